#pragma once

#include "operations/OperationsQuery.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QLocale>
#include <QSet>
#include <QThread>
#include <QVector>

#include <atomic>
#include <memory>

class Database;
class OperationsPageLoader;

// The operations table as a window over the store: pages of rows are fetched on a worker
// thread around what the view asks for, so a million rows scroll, filter and sort without
// ever being loaded whole. Rows not yet loaded show "…" until their page arrives.
class OperationsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        OperationIdRole = Qt::UserRole + 1,
        SortValueRole, // the raw value the column sorts by
        StateRole, // OperationState as int
        LoadedRole, // false while the row's page is on its way
    };

    explicit OperationsModel(std::shared_ptr<const Database> db, QObject *parent = nullptr);
    ~OperationsModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setFilter(const OperationsFilter &filter);
    OperationsFilter filter() const { return m_filter; }
    OperationsSort sortOrder() const { return m_sort; }
    // Drops every cached page and asks again, keeping filter and sort (after an action).
    void reload();

    // The first page and the count of the current filter are in.
    bool isReady() const { return m_ready; }
    // The first page is in (the count may still be on its way: rowCount() grows when it lands).
    bool hasFirstPage() const { return m_loaded; }
    // Every page can be fetched directly (the page index is complete).
    bool hasAnchors() const
    {
        return m_ready && (m_count <= kPageSize() || m_anchors.size() * qint64(kPageSize()) >= m_count);
    }
    bool isRowLoaded(int row) const;
    qint64 operationIdAt(int row) const;
    static int kPageSize();
    // `minor` units of `currency` (ISO 4217, any case) in `locale`: its own symbol for the
    // locale's currency, else the code; as many decimals as the currency has (JPY none).
    static QString formatAmount(qint64 minor, const QString &currency, const QLocale &locale);

Q_SIGNALS:
    void firstPageReady(); // shown; nothing was counted or scanned before it
    void ready(); // first page and count of the current filter are in
    void pageLoaded(int page);
    void anchorsLoaded(); // the page index is complete
    void loadFailed(const QString &message);

private:
    void onResetReady(quint64 generation, qint64 count, const QVector<OperationRow> &firstPage);
    void onCountReady(quint64 generation, qint64 count);
    void onPageReady(quint64 generation, int page, const QVector<OperationRow> &rows);
    void onAnchorsReady(quint64 generation, int firstPage, const QVector<RowKey> &anchors);
    void requestPage(int page) const;
    void storePage(int page, const QVector<OperationRow> &rows);
    const OperationRow *rowAt(int row) const;

    std::shared_ptr<const Database> m_db;
    QThread m_thread;
    OperationsPageLoader *m_loader = nullptr;

    OperationsFilter m_filter;
    OperationsSort m_sort;
    quint64 m_generation = 0;
    std::atomic<quint64> m_latestGeneration { 0 }; // read by the loader to abandon stale scans
    bool m_loaded = false; // first page in
    bool m_ready = false; // and the count
    qint64 m_count = 0;
    QHash<int, QVector<OperationRow>> m_pages;
    QList<int> m_pageAge; // least recently stored first, to bound the cache
    QVector<RowKey> m_anchors;
    mutable QSet<int> m_requested;
    mutable QSet<int> m_waitingForAnchors;
};
