#pragma once

#include "access/AuditLog.h"
#include "core/Result.h"
#include "records/RecordImport.h"

#include <QList>
#include <QString>
#include <QStringList>

class Database;

// What an import did, or would do in a dry run.
struct ImportOutcome
{
    QString target;
    QString fileName;
    bool dryRun = false;
    int added = 0;
    int changed = 0;
    int unchanged = 0;
    QStringList changes; // "CUS-0003 (line 4): phone '+1' → '+2'", "CUS-0241 (line 242): new"
    QStringList entityIds; // ours, of the rows added or changed: customer ids, operation ids
    QList<qint64> operationIds; // the payments' operations added or changed

    QString summary() const; // "0 new, 0 changed, 120 unchanged"
};

// Upserts our side of the record diff from a file read by RecordImport: customers by our id
// (keeping every system's id the file gives, and those it does not mention), payments as the
// capture operations the diff compares, by our order id at their provider. All or nothing: a
// row the database refuses (an id another record has, a status the state machine forbids) is
// named by line and column and nothing is kept. The import is audited in the same transaction.
class RecordImporter
{
public:
    explicit RecordImporter(const Database &db);

    // `audit` carries the actor (and the reason); its action and target are filled in. A dry run
    // does everything and then rolls back, so its counts and refusals are the real ones.
    Result<ImportOutcome> apply(const ImportFile &file, AuditEntry audit, bool dryRun);

private:
    struct Run;
    Status importCustomer(Run &run, const ImportRow &row);
    Status importPayment(Run &run, const ImportRow &row);

    const Database &m_db;
};
