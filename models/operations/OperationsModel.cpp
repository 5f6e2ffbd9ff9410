#include "operations/OperationsModel.h"

#include "core/Money.h"
#include "operations/OperationsPageLoader.h"
#include "store/Database.h"

#include <QDateTime>

namespace {
constexpr int kMaxCachedPages = 96;

QString ageText(qint64 createdAt)
{
    const qint64 seconds = (QDateTime::currentMSecsSinceEpoch() - createdAt) / 1000;
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(qMax<qint64>(seconds, 0));
    if (seconds < 3600)
        return QStringLiteral("%1 min").arg(seconds / 60);
    if (seconds < 86400)
        return QStringLiteral("%1 h").arg(seconds / 3600);
    return QStringLiteral("%1 d").arg(seconds / 86400);
}
} // namespace

QString OperationsModel::formatAmount(qint64 minor, const QString &currency, const QLocale &locale)
{
    const QString code = currency.toUpper();
    const int decimals = Money::exponent(code);
    double scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    const double major = static_cast<double>(minor) / scale;
    // A symbol only where it cannot be mistaken: "$" alone would not tell USD from CAD.
    if (locale.currencySymbol(QLocale::CurrencyIsoCode) == code)
        return locale.toCurrencyString(major, locale.currencySymbol(QLocale::CurrencySymbol), decimals);
    return locale.toString(major, 'f', decimals) + QLatin1Char(' ') + code;
}

int OperationsModel::kPageSize()
{
    return OperationsPageLoader::kPageSize;
}

OperationsModel::OperationsModel(std::shared_ptr<const Database> db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(std::move(db))
{
    qRegisterMetaType<QVector<OperationRow>>();
    qRegisterMetaType<QVector<RowKey>>();
    m_thread.setObjectName(QStringLiteral("operations-pages"));
    m_loader = new OperationsPageLoader(m_db, m_latestGeneration);
    m_loader->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_loader, &QObject::deleteLater);
    connect(m_loader, &OperationsPageLoader::resetReady, this, &OperationsModel::onResetReady);
    connect(m_loader, &OperationsPageLoader::countReady, this, &OperationsModel::onCountReady);
    connect(m_loader, &OperationsPageLoader::pageReady, this, &OperationsModel::onPageReady);
    connect(m_loader, &OperationsPageLoader::anchorsReady, this, &OperationsModel::onAnchorsReady);
    connect(m_loader, &OperationsPageLoader::failed, this, [this](quint64 generation, const QString &message) {
        if (generation == m_generation)
            Q_EMIT loadFailed(message);
    });
    m_thread.start();
    reload();
}

OperationsModel::~OperationsModel()
{
    OperationsPageLoader *loader = m_loader;
    QMetaObject::invokeMethod(
        loader, [loader] { loader->shutdown(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

int OperationsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_count);
}

int OperationsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(OperationsColumn::Count);
}

QVariant OperationsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles { tr("Business action"), tr("Entity"), tr("Amount"), tr("Provider"), tr("State"),
        tr("Attempts"), tr("Last error"), tr("External id"), tr("Age") };
    return titles.value(section);
}

const OperationRow *OperationsModel::rowAt(int row) const
{
    const auto it = m_pages.constFind(row / kPageSize());
    if (it == m_pages.constEnd())
        return nullptr;
    const int offset = row % kPageSize();
    return offset < it->size() ? &it->at(offset) : nullptr;
}

bool OperationsModel::isRowLoaded(int row) const
{
    return rowAt(row) != nullptr;
}

qint64 OperationsModel::operationIdAt(int row) const
{
    const OperationRow *r = rowAt(row);
    return r ? r->id : 0;
}

QVariant OperationsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const OperationRow *r = rowAt(index.row());
    if (!r) {
        requestPage(index.row() / kPageSize());
        if (role == LoadedRole)
            return false;
        return role == Qt::DisplayRole && index.column() == 0 ? QVariant(QStringLiteral("…")) : QVariant();
    }
    const auto column = static_cast<OperationsColumn>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case OperationsColumn::Action:
            return r->action;
        case OperationsColumn::Entity:
            return r->entityType + QLatin1Char(' ') + r->entityId;
        case OperationsColumn::Amount:
            return r->amount && !r->currency.isEmpty() ? formatAmount(*r->amount, r->currency, QLocale()) : QString();
        case OperationsColumn::Provider:
            return r->providerId;
        case OperationsColumn::State:
            return OperationStates::label(r->state);
        case OperationsColumn::Attempts:
            return r->attempts;
        case OperationsColumn::LastError:
            return r->lastError;
        case OperationsColumn::ExternalId:
            return r->externalId;
        case OperationsColumn::Age:
            return ageText(r->createdAt);
        case OperationsColumn::Count:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == OperationsColumn::LastError && !r->lastError.isEmpty())
            return QStringLiteral("%1: %2").arg(r->lastErrorClass, r->lastError);
        if (column == OperationsColumn::Age)
            return QDateTime::fromMSecsSinceEpoch(r->createdAt).toString(Qt::ISODate);
        if (column == OperationsColumn::State)
            return OperationStates::name(r->state); // the word the CLI and the JSON use
        if (column == OperationsColumn::Amount && r->amount && r->currency.isEmpty())
            return tr("%1 minor units; the currency is not recorded").arg(*r->amount);
        return {};
    case Qt::TextAlignmentRole:
        if (column == OperationsColumn::Attempts || column == OperationsColumn::Age
            || column == OperationsColumn::Amount)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case OperationIdRole:
        return r->id;
    case SortValueRole:
        return column == static_cast<OperationsColumn>(m_sort.column) ? r->key.sortValue : QVariant();
    case StateRole:
        return static_cast<int>(r->state);
    case LoadedRole:
        return true;
    default:
        return {};
    }
}

void OperationsModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= static_cast<int>(OperationsColumn::Count)
        || !OperationsQuery::isSortable(static_cast<OperationsColumn>(column)))
        return;
    m_sort = OperationsSort { static_cast<OperationsColumn>(column), order };
    reload();
}

void OperationsModel::setFilter(const OperationsFilter &filter)
{
    m_filter = filter;
    reload();
}

void OperationsModel::reload()
{
    m_latestGeneration.store(++m_generation);
    m_loaded = false;
    m_ready = false;
    m_anchors.clear();
    m_requested.clear();
    m_waitingForAnchors.clear();
    // Cached pages stay visible until the new answer arrives; they are replaced in onResetReady.
    const quint64 generation = m_generation;
    const OperationsFilter filter = m_filter;
    const OperationsSort sort = m_sort;
    OperationsPageLoader *loader = m_loader;
    loader->interruptStale(); // thread-safe: a scan for the old filter stops now
    QMetaObject::invokeMethod(
        loader, [=] { loader->reset(generation, filter, sort); }, Qt::QueuedConnection);
}

void OperationsModel::onResetReady(quint64 generation, qint64 count, const QVector<OperationRow> &firstPage)
{
    if (generation != m_generation)
        return;
    beginResetModel();
    m_pages.clear();
    m_pageAge.clear();
    // Until the count lands the table is its first page; then it grows to the count.
    m_count = count >= 0 ? qMin<qint64>(count, std::numeric_limits<int>::max()) : firstPage.size();
    storePage(0, firstPage);
    m_loaded = true;
    m_ready = count >= 0;
    endResetModel();
    Q_EMIT firstPageReady();
    if (m_ready)
        Q_EMIT ready();
}

void OperationsModel::onCountReady(quint64 generation, qint64 count)
{
    if (generation != m_generation || !m_loaded)
        return;
    const qint64 rows = qMin<qint64>(count, std::numeric_limits<int>::max());
    if (rows > m_count) {
        beginInsertRows({}, static_cast<int>(m_count), static_cast<int>(rows - 1));
        m_count = rows;
        endInsertRows();
    } else if (rows < m_count) { // rows went away between the page and the count
        beginRemoveRows({}, static_cast<int>(rows), static_cast<int>(m_count - 1));
        m_count = rows;
        endRemoveRows();
    }
    m_ready = true;
    Q_EMIT ready();
    if (hasAnchors())
        Q_EMIT anchorsLoaded();
}

void OperationsModel::onPageReady(quint64 generation, int page, const QVector<OperationRow> &rows)
{
    if (generation != m_generation)
        return;
    m_requested.remove(page);
    storePage(page, rows);
    const int first = page * kPageSize();
    const int last = qMin<int>(first + static_cast<int>(rows.size()), static_cast<int>(m_count)) - 1;
    if (last >= first)
        Q_EMIT dataChanged(index(first, 0), index(last, columnCount() - 1));
    Q_EMIT pageLoaded(page);
    // A page that waited for its predecessor can now start from its last row.
    if (m_waitingForAnchors.remove(page + 1))
        requestPage(page + 1);
}

void OperationsModel::onAnchorsReady(quint64 generation, int firstPage, const QVector<RowKey> &anchors)
{
    if (generation != m_generation || firstPage != m_anchors.size())
        return;
    m_anchors += anchors;
    const QSet<int> waiting = m_waitingForAnchors;
    m_waitingForAnchors.clear();
    for (int page : waiting)
        requestPage(page);
    if (hasAnchors())
        Q_EMIT anchorsLoaded();
}

void OperationsModel::storePage(int page, const QVector<OperationRow> &rows)
{
    m_pages.insert(page, rows);
    m_pageAge.removeAll(page);
    m_pageAge.append(page);
    while (m_pageAge.size() > kMaxCachedPages)
        m_pages.remove(m_pageAge.takeFirst());
}

void OperationsModel::requestPage(int page) const
{
    if (!m_loaded || m_requested.contains(page) || page * qint64(kPageSize()) >= m_count)
        return;
    RowKey from;
    bool fromKey = false;
    bool inclusive = false;
    if (page == 0) {
        // no key: the first page
    } else if (page < m_anchors.size()) {
        from = m_anchors.at(page);
        fromKey = true;
        inclusive = true;
    } else if (const auto previous = m_pages.constFind(page - 1);
               previous != m_pages.constEnd() && previous->size() == kPageSize()) {
        from = previous->last().key;
        fromKey = true;
    } else {
        m_waitingForAnchors.insert(page);
        return;
    }
    m_requested.insert(page);
    const quint64 generation = m_generation;
    OperationsPageLoader *loader = m_loader;
    QMetaObject::invokeMethod(
        loader, [=] { loader->loadPage(generation, page, from, fromKey, inclusive); }, Qt::QueuedConnection);
}
