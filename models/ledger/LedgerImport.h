#pragma once

#include "ledger/LedgerEntry.h"
#include "ledger/LedgerFields.h"
#include "records/RecordImport.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <memory>

class CsvReader;
class QIODevice;

// A ledger file (CSV or JSON Lines) read one entry at a time through a preset, so a file of
// millions of rows streams: nothing but the current row is held. Columns are the preset's, an
// unmapped field takes the column of its own name, other columns are passed over (and named in
// ignoredColumns()). Every problem names the file, line and column; reading goes on past a bad
// row (up to kMaxProblems) so one run shows what to fix, but a file with any problem must be
// imported not at all.
class LedgerImport
{
public:
    static constexpr int kMaxProblems = 50;

    // `format`: csv or jsonl. `account`: the account of rows that name none (--account); a row
    // naming another is a problem, so a file is not booked to the wrong account.
    LedgerImport(QIODevice &in, const QString &fileName, const QString &format, const ImportPreset &preset,
        const QString &account);
    ~LedgerImport();

    // The next good entry; false at the end, or when problems stopped the reading.
    bool next(LedgerEntry &entry);

    // A problem the caller found with the entry next() gave last (an id already booked otherwise).
    bool addProblem(const QString &column, const QString &message) { return problem(m_line, column, message); }
    int line() const { return m_line; } // of the entry next() gave last
    const QList<ImportProblem> &problems() const { return m_problems; }
    bool truncatedProblems() const { return m_truncated; }
    // Every problem on its line, then "Nothing was imported."
    QString problemText() const;
    int rowsRead() const { return m_rows; }
    QStringList ignoredColumns() const { return m_ignored; }

private:
    bool problem(int line, const QString &column, const QString &message);
    bool readHeader();
    bool nextValues(LedgerFields::Values &values, int &line);
    bool nextJsonValues(LedgerFields::Values &values, int &line);
    QString columnOf(LedgerFields::Field field) const;

    QIODevice &m_in;
    QString m_fileName;
    QString m_format;
    ImportPreset m_preset;
    QString m_account;
    LedgerFields::Options m_options;
    std::unique_ptr<CsvReader> m_csv;
    bool m_started = false;
    bool m_stopped = false;
    std::array<int, LedgerFields::Count> m_cellOf {}; // CSV: the cell of each field, -1 when none
    int m_jsonLine = 0;
    int m_rows = 0;
    int m_line = 0;
    QStringList m_ignored;
    QList<ImportProblem> m_problems;
    bool m_truncated = false;
};
