#pragma once

#include "core/Result.h"
#include "records/DriftFindingStore.h"

#include <QObject>

#include <functional>

class Database;
class ProviderRegistry;

struct DriftReport
{
    int compared = 0; // in this run
    QList<DriftedRecord> drifted; // found by this scan, resumed runs included
    bool complete = false; // false: cancelled or stopped by an error; scan again to resume
};

// Pages through a provider's records within its rate limit (the transport paces it), compares
// each with ours by the field map, and lists the drifted ones. The position is stored after
// every page, and what it found is kept (DriftFindingStore), so a cancelled or failed scan resumes
// where it stopped with nothing lost. Differences someone chose to ignore are left out.
class DriftScanner : public QObject
{
    Q_OBJECT
public:
    DriftScanner(const Database &db, ProviderRegistry &providers, QObject *parent = nullptr);

    // entityType: "contact" or "payment". `restart` forgets a stored position and its findings.
    void scan(const QString &entityType, const QString &providerId, bool restart,
        std::function<void(Result<DriftReport>)> done);
    void cancel() { m_cancelled = true; }
    // True when a scan stopped part-way and the next one resumes there.
    bool resumable(const QString &entityType, const QString &providerId) const;

Q_SIGNALS:
    void progress(int compared, int drifted);

private:
    // Compares and stores one page; how many of its records drifted.
    Result<int> comparePage(const FieldMap &map, const QString &providerId, const QList<QJsonObject> &records);

    const Database &m_db;
    ProviderRegistry &m_providers;
    bool m_cancelled = false;
};
