#include "reconciliation/ReconciliationReportPdf.h"

#include <QAbstractTextDocumentLayout>
#include <QDir>
#include <QFileInfo>
#include <QFont>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

#include <cmath>
#include <limits>

namespace {
constexpr int kResolution = 300; // dots per inch of the PDF's coordinates; text stays vector
constexpr qreal kHeaderMm = 13;
constexpr qreal kFooterMm = 10;
const QMarginsF kMarginsMm(16, 12, 16, 10);

const QString kInk = QStringLiteral("#1a1a1a");
const QString kMuted = QStringLiteral("#5f6368");
const QString kRule = QStringLiteral("#9aa0a6");
const QString kShade = QStringLiteral("#eef0f2");
const QString kAlert = QStringLiteral("#b00020");

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

// An amount as a financial statement prints it: the currency's own decimals (Money::formatIn),
// thousands grouped; an ASCII minus, so a figure copied into a spreadsheet stays a number.
QString grouped(const ReconciliationReport &report, qint64 minor)
{
    const QString plain = report.amount(minor);
    const bool negative = plain.startsWith(QLatin1Char('-'));
    QString digits = negative ? plain.mid(1) : plain;
    const qsizetype point = digits.indexOf(QLatin1Char('.'));
    const qsizetype end = point < 0 ? digits.size() : point;
    for (qsizetype i = end - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(','));
    return (negative ? QStringLiteral("-") : QString()) + digits;
}

// Letter spacing at 100% changes no advance but turns the font's ligatures off (Qt shapes
// without them once a spacing is set), so "fi" stays two letters that pdftotext, a search and
// a copy into a spreadsheet all read back as typed.
QFont reportFont(qreal points, bool condensed = false)
{
    QFont f;
    f.setFamilies({ condensed ? QStringLiteral("DejaVu Sans Condensed") : QStringLiteral("DejaVu Sans"),
        QStringLiteral("Liberation Sans"), QStringLiteral("Noto Sans") });
    f.setStyleHint(QFont::SansSerif);
    f.setPointSizeF(points);
    f.setLetterSpacing(QFont::PercentageSpacing, 100);
    return f;
}

// Where the data tables are cut so that no row runs over the foot of a page: paint() lays the
// document out, finds the first row that would, cuts before it, and lays it out again.
struct Pagination
{
    QSet<QPair<int, int>> cuts; // (table, row): a new page, the table's heading again, then that row
    QList<QPair<int, int>> pieces; // filled as the HTML is written: each <table>'s (table, first row)
    int tables = 0;
};

// A table of `widths` (percent) whose heading row is repeated on every page it runs onto.
class Table
{
public:
    struct Column
    {
        QString title;
        int widthPercent;
        bool amount = false;
    };

    explicit Table(QList<Column> columns)
        : m_columns(std::move(columns))
    { }

    void row(const QStringList &cells, bool total = false)
    {
        QString html = QStringLiteral("<tr>");
        for (qsizetype i = 0; i < m_columns.size(); ++i) {
            const Column &c = m_columns.at(i);
            const QString style = total ? QStringLiteral("border-top: 1px solid %1; font-weight: bold;").arg(kInk)
                                        : QStringLiteral("border-bottom: 0.5px solid %1;").arg(kShade);
            html += QStringLiteral("<td width=\"%1%\" align=\"%2\" style=\"%3\">%4</td>")
                        .arg(c.widthPercent)
                        .arg(c.amount ? QStringLiteral("right") : QStringLiteral("left"), style,
                            i < cells.size() ? cells.at(i) : QString());
        }
        m_rows << html + QStringLiteral("</tr>");
    }

    QString html(Pagination &pagination) const
    {
        const int index = pagination.tables++;
        QString head = QStringLiteral("<thead><tr>");
        for (const Column &c : m_columns)
            head += QStringLiteral("<th width=\"%1%\" align=\"%2\" style=\"background-color: %3; color: %4; "
                                   "font-weight: bold; border-bottom: 1px solid %5;\">%6</th>")
                        .arg(c.widthPercent)
                        .arg(c.amount ? QStringLiteral("right") : QStringLiteral("left"), kShade, kInk, kRule,
                            esc(c.title));
        head += QStringLiteral("</tr></thead>");
        const auto open = [&](int firstRow, bool newPage) {
            pagination.pieces << qMakePair(index, firstRow);
            return QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"3\" style=\"%1"
                                  "border-collapse: collapse; font-family: 'DejaVu Sans Condensed'; font-size: 7.5pt; "
                                  "margin-bottom: 10pt;\">")
                       .arg(newPage ? QStringLiteral("page-break-before: always; ") : QString())
                + head;
        };
        QString html = open(0, false);
        for (int i = 0; i < m_rows.size(); ++i) {
            if (i > 0 && pagination.cuts.contains(qMakePair(index, i)))
                html += QStringLiteral("</table>") + open(i, true);
            html += m_rows.at(i);
        }
        return html + QStringLiteral("</table>");
    }

private:
    QList<Column> m_columns;
    QStringList m_rows;
};

QString heading(const QString &title, const QString &note = {}, bool newPage = false)
{
    QString html = QStringLiteral("<h2 style=\"%1font-size: 10.5pt; margin-top: 14pt; margin-bottom: 3pt; color: "
                                  "%2;\">%3</h2>")
                       .arg(newPage ? QStringLiteral("page-break-before: always; ") : QString(), kInk, esc(title));
    if (!note.isEmpty())
        html += QStringLiteral("<p style=\"font-size: 7.5pt; color: %1; margin-top: 0; margin-bottom: 4pt;\">%2</p>")
                    .arg(kMuted, esc(note));
    return html;
}

QString none(const QString &text)
{
    return QStringLiteral("<p style=\"font-size: 8pt; color: %1; margin-top: 2pt;\">%2</p>").arg(kMuted, esc(text));
}

// "carol@example.com<br>2026-11-02 09:14 UTC"
QString byAt(const QString &by, qint64 at)
{
    if (by.isEmpty())
        return QStringLiteral("\u2014");
    return esc(by) + QStringLiteral("<br><span style=\"color: %1;\">%2</span>").arg(kMuted, esc(reportTime(at)));
}

QString titleBlock(const ReconciliationReport &r)
{
    const ReconciliationPeriod &p = r.period;
    const QString state = p.signedOff
        ? QStringLiteral("<span style=\"color: #1e6b34; font-weight: bold;\">SIGNED OFF</span>")
        : QStringLiteral("<span style=\"color: %1; font-weight: bold;\">OPEN \u2014 NOT SIGNED OFF</span>").arg(kAlert);
    QString html = QStringLiteral("<h1 style=\"font-size: 16pt; margin-bottom: 2pt; color: %1;\">Reconciliation "
                                  "report</h1>")
                       .arg(kInk);
    html += QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"2\" style=\"font-size: 8.5pt; "
                           "margin-bottom: 6pt;\">");
    auto line = [&](const QString &label, const QString &value) {
        html += QStringLiteral("<tr><td width=\"22%\" style=\"color: %1;\">%2</td><td width=\"78%\">%3</td></tr>")
                    .arg(kMuted, esc(label), value);
    };
    line(QStringLiteral("Account"), QStringLiteral("<b>%1</b>").arg(esc(p.account)));
    line(QStringLiteral("Currency"), esc(p.currency));
    line(QStringLiteral("Period"),
        QStringLiteral("%1 to %2 (period %3)").arg(p.from.toString(Qt::ISODate), p.to.toString(Qt::ISODate)).arg(p.id));
    line(QStringLiteral("State"), state);
    line(QStringLiteral("Sign-off"), esc(r.signOffText()));
    line(QStringLiteral("Produced"), esc(QStringLiteral("%1 by %2").arg(reportTime(r.producedAt), r.producedBy)));
    html += QStringLiteral("</table>");
    return html;
}

QString summaryBlock(const ReconciliationReport &r)
{
    const ReconciliationPeriod &p = r.period;
    const QString balancesFrom = p.balancesFrom == QLatin1String("typed") ? QStringLiteral("typed in by finance")
        : p.balancesFrom == QLatin1String("previous")                     ? QStringLiteral("the previous period")
                                                                          : QStringLiteral("the statement");
    QString html = heading(QStringLiteral("Summary"),
        QStringLiteral("Balances from %1. Difference = closing balance "
                       "\u2212 opening balance \u2212 cleared total.")
            .arg(balancesFrom));
    html += QStringLiteral("<table width=\"70%\" cellspacing=\"0\" cellpadding=\"3\" style=\"border-collapse: "
                           "collapse; font-size: 8.5pt;\">");
    auto line = [&](const QString &label, qint64 minor, const QString &style = {}, bool strong = false) {
        const QString value = grouped(r, minor);
        html += QStringLiteral("<tr><td width=\"70%\" style=\"%1\">%2</td><td width=\"30%\" align=\"right\" "
                               "style=\"%1\">%3</td></tr>")
                    .arg(style, strong ? QStringLiteral("<b>%1</b>").arg(esc(label)) : esc(label),
                        strong ? QStringLiteral("<b>%1</b>").arg(value) : value);
    };
    const QString ruleAbove = QStringLiteral("border-top: 0.5px solid %1;").arg(kRule);
    line(QStringLiteral("Opening balance (%1)").arg(p.from.toString(Qt::ISODate)), p.openingMinor);
    line(QStringLiteral("Cleared in confirmed matches"), r.matchedMinor);
    line(QStringLiteral("Approved adjustments and write-offs"), r.adjustedMinor);
    line(QStringLiteral("Cleared total"), r.clearedMinor, ruleAbove);
    line(QStringLiteral("Opening balance + cleared total"), p.openingMinor + r.clearedMinor);
    line(QStringLiteral("Closing balance (%1)").arg(p.to.toString(Qt::ISODate)), p.closingMinor);
    const QString differenceStyle
        = QStringLiteral("border-top: 1px solid %1; border-bottom: 2px double %1;%2")
              .arg(kInk, r.differenceMinor ? QStringLiteral(" color: %1;").arg(kAlert) : QString());
    line(QStringLiteral("Difference"), r.differenceMinor, differenceStyle, true);
    html += QStringLiteral("</table>");

    QStringList facts;
    facts << QStringLiteral("%1 unmatched row(s) left").arg(r.exceptionsLeft.size());
    facts << QStringLiteral("%1 adjustment(s) awaiting approval").arg(r.pendingApprovals);
    html += QStringLiteral("<p style=\"font-size: 7.5pt; color: %1; margin-top: 3pt;\">%2. Amounts in %3.</p>")
                .arg(kMuted, esc(facts.join(QStringLiteral("; "))), esc(p.currency));
    return html;
}

// The heading of the table about to be written: on a new page with it, when its first row would
// run over the foot of this one.
QString tableHeading(const Pagination &pagination, bool hasTable, const QString &title, const QString &note = {})
{
    return heading(title, note, hasTable && pagination.cuts.contains(qMakePair(pagination.tables, 0)));
}

QString rulesBlock(const ReconciliationReport &r, Pagination &pagination)
{
    QString html = tableHeading(pagination, !r.rules.isEmpty(), QStringLiteral("Matched per rule"),
        QStringLiteral("Confirmed matches cleared in the period; statement totals are net of provider fees."));
    if (r.rules.isEmpty())
        return html + none(QStringLiteral("No confirmed match cleared in this period."));
    Table table({ { QStringLiteral("Rule"), 34 }, { QStringLiteral("Matches"), 12, true },
        { QStringLiteral("Ledger total"), 18, true }, { QStringLiteral("Statement total"), 18, true },
        { QStringLiteral("Difference"), 18, true } });
    int matches = 0;
    qint64 ledger = 0;
    qint64 statement = 0;
    for (const ReconciliationReport::RuleTotal &t : r.rules) {
        table.row({ esc(t.rule), QString::number(t.matches), grouped(r, t.ledgerMinor), grouped(r, t.statementMinor),
            grouped(r, t.statementMinor - t.ledgerMinor) });
        matches += t.matches;
        ledger += t.ledgerMinor;
        statement += t.statementMinor;
    }
    table.row({ QStringLiteral("Total"), QString::number(matches), grouped(r, ledger), grouped(r, statement),
                  grouped(r, statement - ledger) },
        true);
    return html + table.html(pagination);
}

QString manualBlock(const ReconciliationReport &r, Pagination &pagination)
{
    QString html = tableHeading(pagination, !r.manualMatches.isEmpty(), QStringLiteral("Matches made by hand"));
    if (r.manualMatches.isEmpty())
        return html + none(QStringLiteral("No match was made by hand in this period."));
    Table table(
        { { QStringLiteral("Match"), 7 }, { QStringLiteral("Cleared"), 11 }, { QStringLiteral("Ledger rows"), 19 },
            { QStringLiteral("Statement rows"), 19 }, { QStringLiteral("Ledger"), 11, true },
            { QStringLiteral("Statement"), 11, true }, { QStringLiteral("Confirmed by"), 22 } });
    for (const ReconciliationReport::ManualMatch &m : r.manualMatches)
        table.row(
            { QString::number(m.matchId), m.clearedOn.toString(Qt::ISODate), esc(m.ledgerRows), esc(m.statementRows),
                grouped(r, m.ledgerMinor), grouped(r, m.statementMinor), byAt(m.confirmedBy, m.confirmedAt) });
    return html + table.html(pagination);
}

QString kindText(Adjustment::Kind kind)
{
    switch (kind) {
    case Adjustment::Kind::Fee:
        return QStringLiteral("Fee");
    case Adjustment::Kind::Fx:
        return QStringLiteral("FX");
    case Adjustment::Kind::Rounding:
        return QStringLiteral("Rounding");
    case Adjustment::Kind::WriteOff:
        return QStringLiteral("Write-off");
    }
    return {};
}

QString stateText(Adjustment::State state)
{
    switch (state) {
    case Adjustment::State::Pending:
        return QStringLiteral("<span style=\"color: %1; font-weight: bold;\">Pending approval</span>").arg(kAlert);
    case Adjustment::State::Approved:
        return QStringLiteral("<b>Approved</b>");
    case Adjustment::State::Rejected:
        return QStringLiteral("<span style=\"color: %1;\">Rejected (not counted)</span>").arg(kMuted);
    case Adjustment::State::Reversed:
        return QStringLiteral("<span style=\"color: %1;\">Reversed (not counted)</span>").arg(kMuted);
    }
    return {};
}

QString adjustmentsBlock(const ReconciliationReport &r, Pagination &pagination)
{
    QString html = tableHeading(pagination, !r.adjustments.isEmpty(), QStringLiteral("Adjustments and write-offs"),
        QStringLiteral("Every one of the period in any state; only approved ones count in the cleared total. Above the "
                       "account's threshold a second finance user decides."));
    if (r.adjustments.isEmpty())
        return html + none(QStringLiteral("No adjustment or write-off in this period."));
    Table table({ { QStringLiteral("No."), 5 }, { QStringLiteral("Day"), 10 }, { QStringLiteral("Kind"), 9 },
        { QStringLiteral("Amount"), 10, true }, { QStringLiteral("Reason, and what it settles"), 30 },
        { QStringLiteral("Proposed by"), 17 }, { QStringLiteral("Decision"), 19 } });
    for (const ReconciliationReport::AdjustmentLine &line : r.adjustments) {
        const Adjustment &a = line.adjustment;
        QString reason = esc(a.reason);
        if (!line.rows.isEmpty())
            reason += QStringLiteral("<br><span style=\"color: %1;\">%2</span>").arg(kMuted, esc(line.rows));
        QString decision = stateText(a.state);
        if (!a.decidedBy.isEmpty())
            decision += QStringLiteral("<br>") + byAt(a.decidedBy, a.decidedAt);
        if (!a.decisionNote.isEmpty())
            decision += QStringLiteral("<br><i>%1</i>").arg(esc(a.decisionNote));
        table.row({ QString::number(a.id), a.day.toString(Qt::ISODate), kindText(a.kind), grouped(r, a.amountMinor),
            reason, byAt(a.proposedBy, a.proposedAt), decision });
    }
    return html + table.html(pagination);
}

QString sideText(RowSide side)
{
    return side == RowSide::Ledger ? QStringLiteral("Ledger") : QStringLiteral("Statement");
}

// A row's reference, its counterparty below it.
QString rowText(const ReconciliationReport::ExceptionLine &e)
{
    if (e.counterparty.isEmpty())
        return esc(e.reference);
    return esc(e.reference)
        + QStringLiteral("<br><span style=\"color: %1;\">%2</span>").arg(kMuted, esc(e.counterparty));
}

QString exceptionsBlock(const ReconciliationReport &r, Pagination &pagination)
{
    QString html = tableHeading(pagination, !r.exceptionsLeft.isEmpty(), QStringLiteral("Exceptions left"),
        QStringLiteral("Rows of the period in no confirmed match, with what finance noted on them."));
    if (r.exceptionsLeft.isEmpty()) {
        html += none(QStringLiteral("None: every row of the period is matched, written off or resolved."));
    } else {
        Table table({ { QStringLiteral("Side"), 9 }, { QStringLiteral("Booked"), 10 },
            { QStringLiteral("Reference and counterparty"), 25 }, { QStringLiteral("Amount"), 10, true },
            { QStringLiteral("State"), 11 }, { QStringLiteral("Assignee"), 16 }, { QStringLiteral("Note"), 19 } });
        for (const ReconciliationReport::ExceptionLine &e : r.exceptionsLeft)
            table.row({ sideText(e.row.side), e.day.toString(Qt::ISODate), rowText(e), grouped(r, e.amountMinor),
                esc(e.state), e.assignee.isEmpty() ? QStringLiteral("\u2014") : esc(e.assignee), esc(e.note) });
        html += table.html(pagination);
    }
    html += tableHeading(pagination, !r.exceptionsResolved.isEmpty(), QStringLiteral("Exceptions resolved"),
        QStringLiteral("Rows of the period finance looked into that are settled now, and how."));
    if (r.exceptionsResolved.isEmpty())
        return html + none(QStringLiteral("No exception of this period was resolved."));
    Table table({ { QStringLiteral("Side"), 9 }, { QStringLiteral("Booked"), 10 },
        { QStringLiteral("Reference and counterparty"), 22 }, { QStringLiteral("Amount"), 10, true },
        { QStringLiteral("How"), 17 }, { QStringLiteral("Note"), 15 }, { QStringLiteral("By"), 17 } });
    for (const ReconciliationReport::ExceptionLine &e : r.exceptionsResolved)
        table.row({ sideText(e.row.side), e.day.toString(Qt::ISODate), rowText(e), grouped(r, e.amountMinor),
            esc(e.resolution), esc(e.note), byAt(e.updatedBy, e.updatedAt) });
    return html + table.html(pagination);
}

QString signatureBlock(const ReconciliationReport &r)
{
    const ReconciliationPeriod &p = r.period;
    QString html = heading(QStringLiteral("Sign-off"));
    html += QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"3\" style=\"font-size: 8.5pt;\">");
    html += QStringLiteral("<tr><td width=\"22%\" style=\"color: %1;\">Prepared by</td><td width=\"78%\">%2</td></tr>")
                .arg(kMuted,
                    esc(p.createdBy.isEmpty()
                            ? QStringLiteral("\u2014")
                            : p.createdBy + QStringLiteral(", period opened ") + reportTime(p.createdAt)));
    html
        += QStringLiteral("<tr><td width=\"22%\" style=\"color: %1;\">Signed off by</td><td width=\"78%\">%2</td></tr>")
               .arg(kMuted,
                   p.signedOff ? QStringLiteral("<b>%1</b>, %2").arg(esc(p.signedOffBy), esc(reportTime(p.signedOffAt)))
                               : QStringLiteral("<span style=\"color: %1;\">Not signed off</span>").arg(kAlert));
    html += QStringLiteral("</table>");
    html += QStringLiteral("<p align=\"center\" style=\"font-size: 7.5pt; color: %1; margin-top: 14pt;\">\u2014 End of "
                           "report \u2014</p>")
                .arg(kMuted);
    return html;
}

QString documentHtml(const ReconciliationReport &report, Pagination &pagination)
{
    pagination.pieces.clear();
    pagination.tables = 0;
    // One statement each: the tables are numbered in the order they are written.
    QString html = QStringLiteral("<html><body style=\"color: %1;\">").arg(kInk);
    html += titleBlock(report);
    html += summaryBlock(report);
    html += rulesBlock(report, pagination);
    html += manualBlock(report, pagination);
    html += adjustmentsBlock(report, pagination);
    html += exceptionsBlock(report, pagination);
    html += signatureBlock(report);
    return html + QStringLiteral("</body></html>");
}

// The first row of a data table (one with a heading row) that begins on one page and ends on
// the next, as (table, row) of the Table that wrote it; nothing when every row fits its page.
std::optional<QPair<int, int>> rowOverPageFoot(const QTextDocument &doc, const Pagination &pagination, qreal pageHeight)
{
    QList<QTextTable *> tables;
    for (QTextFrame *frame : doc.rootFrame()->childFrames()) {
        auto *table = qobject_cast<QTextTable *>(frame);
        if (table && table->format().headerRowCount() > 0)
            tables << table;
    }
    if (tables.size() != pagination.pieces.size())
        return std::nullopt; // not the tables we wrote: leave the layout as it is
    const QAbstractTextDocumentLayout *layout = doc.documentLayout();
    for (qsizetype t = 0; t < tables.size(); ++t) {
        const QTextTable *table = tables.at(t);
        for (int row = 1; row < table->rows(); ++row) {
            qreal top = std::numeric_limits<qreal>::max();
            qreal bottom = std::numeric_limits<qreal>::lowest();
            for (int column = 0; column < table->columns(); ++column) {
                const QTextTableCell cell = table->cellAt(row, column);
                top = std::min(top, layout->blockBoundingRect(cell.firstCursorPosition().block()).top());
                bottom = std::max(bottom, layout->blockBoundingRect(cell.lastCursorPosition().block()).bottom());
            }
            if (std::floor(top / pageHeight) != std::floor((bottom - 1) / pageHeight)) {
                const auto [index, firstRow] = pagination.pieces.at(t);
                // Its first row moves with the table's heading (tableHeading); a row that begins a
                // page already and still runs over is taller than a page, and stays as it is.
                if (row == 1 && firstRow > 0)
                    break;
                return qMakePair(index, firstRow + row - 1);
            }
        }
    }
    return std::nullopt;
}

// What one page repeats: the account and period above, who produced it and the page below.
void paintFrame(QPainter &painter, const ReconciliationReport &r, const QRectF &page, int number, int pages)
{
    const ReconciliationPeriod &p = r.period;
    painter.save();
    const QFont f = reportFont(7.5);
    painter.setFont(f);
    painter.setPen(QColor(kMuted));
    const qreal line = painter.fontMetrics().height();
    const QRectF top(page.left(), page.top(), page.width(), line);
    QFont bold = f;
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(QColor(kInk));
    painter.drawText(top, Qt::AlignLeft | Qt::AlignVCenter,
        QStringLiteral("Reconciliation report \u2014 %1 %2").arg(p.account, p.currency));
    painter.setFont(f);
    painter.drawText(top, Qt::AlignRight | Qt::AlignVCenter,
        QStringLiteral("Period %1 to %2").arg(p.from.toString(Qt::ISODate), p.to.toString(Qt::ISODate)));
    painter.setPen(QPen(QColor(kRule), kResolution / 200.0));
    const qreal ruleY = page.top() + line * 1.35;
    painter.drawLine(QPointF(page.left(), ruleY), QPointF(page.right(), ruleY));

    const qreal footY = page.bottom() - line;
    painter.drawLine(QPointF(page.left(), footY - line * 0.45), QPointF(page.right(), footY - line * 0.45));
    painter.setPen(QColor(kMuted));
    const QRectF bottom(page.left(), footY, page.width(), line);
    painter.drawText(bottom, Qt::AlignLeft | Qt::AlignVCenter,
        QStringLiteral("Produced %1 by %2 \u00b7 %3").arg(reportTime(r.producedAt), r.producedBy, r.signOffText()));
    painter.drawText(bottom, Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("Page %1 of %2").arg(number).arg(pages));
    painter.restore();
}
} // namespace

std::optional<ReconciliationReportPdf::Format> ReconciliationReportPdf::formatFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("pdf"))
        return Format::Pdf;
    if (n == QLatin1String("csv"))
        return Format::Csv;
    return std::nullopt;
}

QString ReconciliationReportPdf::suffix(Format format)
{
    return format == Format::Pdf ? QStringLiteral("pdf") : QStringLiteral("csv");
}

QString ReconciliationReportPdf::html(const ReconciliationReport &report)
{
    Pagination uncut;
    return documentHtml(report, uncut);
}

int ReconciliationReportPdf::paint(const ReconciliationReport &report, QPagedPaintDevice &device)
{
    QPainter painter;
    if (!painter.begin(&device))
        return 0;
    const int dpi = device.logicalDpiY();
    const qreal mm = dpi / 25.4;
    // The painter's origin is the paint rectangle's corner, inside the margins.
    const QRectF paintRect = device.pageLayout().paintRectPixels(dpi);
    const QRectF page(0, 0, paintRect.width(), paintRect.height());
    const qreal header = kHeaderMm * mm;
    const qreal footer = kFooterMm * mm;
    const QRectF body(0, header, page.width(), page.height() - header - footer);

    QTextDocument doc;
    doc.documentLayout()->setPaintDevice(&device);
    doc.setDefaultFont(reportFont(8.5));
    doc.setDocumentMargin(0);
    doc.setPageSize(body.size());
    // At most one cut per table row: each pass lays out again and cuts before the first row
    // that would run over a page's foot.
    Pagination pagination;
    for (;;) {
        doc.setHtml(documentHtml(report, pagination));
        const auto over = rowOverPageFoot(doc, pagination, body.height());
        if (!over || pagination.cuts.contains(*over))
            break;
        pagination.cuts.insert(*over);
    }
    const int pages = doc.pageCount();

    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            device.newPage();
        painter.save();
        painter.translate(body.topLeft());
        painter.setClipRect(QRectF(QPointF(0, 0), body.size()));
        painter.translate(0, -i * body.height());
        QAbstractTextDocumentLayout::PaintContext context;
        context.clip = QRectF(0, i * body.height(), body.width(), body.height());
        context.palette.setColor(QPalette::Text, QColor(kInk));
        doc.documentLayout()->draw(&painter, context);
        painter.restore();
        paintFrame(painter, report, page, i + 1, pages);
    }
    painter.end();
    return pages;
}

Status ReconciliationReportPdf::write(const ReconciliationReport &report, Format format, const QString &path)
{
    const auto cannot = [&](const QString &why) {
        return failure(ErrorClass::Input,
            QStringLiteral("Cannot write the report to %1: %2. Choose a file in a folder you can write to.")
                .arg(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()), why));
    };
    if (path.trimmed().isEmpty())
        return failure(ErrorClass::Input, QStringLiteral("Name the file to write the report to."));
    if (QFileInfo(path).isDir())
        return cannot(QStringLiteral("it is a folder"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return cannot(file.errorString());
    if (format == Format::Csv) {
        const QByteArray csv = report.toCsv().toUtf8();
        if (file.write(csv) != csv.size())
            return cannot(file.errorString());
    } else {
        QPdfWriter writer(&file);
        writer.setResolution(kResolution);
        writer.setPageLayout(
            QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, kMarginsMm, QPageLayout::Millimeter));
        writer.setTitle(QStringLiteral("Reconciliation report %1 %2, %3 to %4")
                            .arg(report.period.account, report.period.currency,
                                report.period.from.toString(Qt::ISODate), report.period.to.toString(Qt::ISODate)));
        writer.setCreator(QStringLiteral("Reconsole"));
        if (paint(report, writer) == 0)
            return cannot(QStringLiteral("the PDF could not be drawn"));
    }
    if (!file.commit())
        return cannot(file.errorString());
    return success();
}
