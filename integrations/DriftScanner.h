#pragma once

#include "RecordDiff.h"
#include "Result.h"

#include <QObject>

#include <functional>

class Database;
class ProviderRegistry;

// One record whose fields disagree between us and the provider.
struct DriftedRecord
{
    QString entityId;   // ours; empty when we have no such record
    QString externalId; // the provider's
    QList<FieldDiff> fields; // only the ones that differ
};

struct DriftReport
{
    int compared = 0;
    QList<DriftedRecord> drifted;
    bool complete = false; // false: cancelled or stopped by an error; scan again to resume
};

// Pages through a provider's records within its rate limit (the transport paces it), compares
// each with ours by the field map, and lists the drifted ones. The position is stored after
// every page, so a cancelled or failed scan resumes where it stopped.
class DriftScanner : public QObject
{
    Q_OBJECT
public:
    DriftScanner(const Database &db, ProviderRegistry &providers, QObject *parent = nullptr);

    // entityType: "contact". `restart` forgets a stored position.
    void scan(const QString &entityType, const QString &providerId, bool restart, std::function<void(Result<DriftReport>)> done);
    void cancel() { m_cancelled = true; }

Q_SIGNALS:
    void progress(int compared, int drifted);

private:
    const Database &m_db;
    ProviderRegistry &m_providers;
    bool m_cancelled = false;
};
