#pragma once

#include "core/Result.h"
#include "reconciliation/ReconciliationReport.h"

#include <QString>

#include <optional>

class QPagedPaintDevice;

// The reconciliation report as an auditor reads it: an A4 PDF through Qt's own printing (a
// QTextDocument laid out on a QPdfWriter), the account and period heading every page and
// "Page n of m" at its foot; or the same data as CSV. Needs a QGuiApplication (fonts): the
// console has one, and `reconsolectl export` makes one on the offscreen platform.
//
// The workspace's "Export report…":
//     auto report = reportSource(periodId); // a ReconciliationReportSource from app/
//     if (report) status = ReconciliationReportPdf::write(report.value(), Format::Pdf, path);
class ReconciliationReportPdf
{
public:
    enum class Format
    {
        Pdf,
        Csv
    };
    // "pdf" or "csv" (any case); nothing for another.
    static std::optional<Format> formatFromName(const QString &name);
    static QString suffix(Format format); // "pdf", "csv"

    // Writes `report` at `path` whole or not at all (a failure leaves any file there as it
    // was), saying what to do when it cannot.
    static Status write(const ReconciliationReport &report, Format format, const QString &path);

    // The document write() lays out on A4, without the running header and footer it paints on
    // each page: for previews and tests.
    static QString html(const ReconciliationReport &report);
    // Paints the report on `device` (A4 or another page size), returns the number of pages.
    static int paint(const ReconciliationReport &report, QPagedPaintDevice &device);
};
