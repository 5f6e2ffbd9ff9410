#pragma once

#include "core/Result.h"

#include <QString>

class Database;

// Where a pull of one of a provider's lists stands (schema 15). Caught up: `newest` is the
// newest object stored, everything older stored too; the next pull asks for what is newer.
// A first pull goes from the newest back (the provider lists newest first): until it reaches
// the end, `backfillAfter` is the oldest object it stored, and the next pull goes on after it.
struct PullCursor
{
    QString newest;
    QString backfillAfter;
    qint64 since = 0; // the first pull's floor, unix seconds (0: everything)

    bool started() const { return !newest.isEmpty() || !backfillAfter.isEmpty(); }
    QString describe() const; // "txn_…", "txn_… (first pull unfinished, continues after txn_…)"
};

class PullCursorStore
{
public:
    explicit PullCursorStore(const Database &db);

    // No row yet: an empty cursor.
    Result<PullCursor> get(const QString &providerId, const QString &stream) const;
    // Written on the caller's connection, so inside its transaction with the lines it covers.
    Status set(const QString &providerId, const QString &stream, const PullCursor &cursor, const QString &actor);

private:
    const Database &m_db;
};
