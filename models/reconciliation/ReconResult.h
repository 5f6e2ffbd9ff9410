#pragma once

#include "reconciliation/Match.h"

#include <QList>
#include <QMap>
#include <QString>

#include <memory>

struct ReconResultData;

// What one run of the matcher found. A million matches are held compactly; match(i) builds
// one (with its `why`) when asked, so a caller storing them goes through them one at a time.
class ReconResult
{
public:
    struct RuleCount
    {
        QString rule;
        int matches = 0;
        qint64 leftRows = 0;
        qint64 rightRows = 0;
        double ms = 0; // how long the rule took
    };

    ReconResult();

    // Confirmed matches first (as given), then the new ones in the order the rules made them.
    qsizetype matchCount() const;
    Match match(qsizetype index) const;
    QList<Match> matches() const; // all of them: for small runs and tests
    // Ids in the order the rows were given.
    const QList<qint64> &unmatchedLeft() const;
    const QList<qint64> &unmatchedRight() const;
    // One entry per rule, in the rules' order (zero counts included).
    QList<RuleCount> perRule() const;
    int matchedBy(const QString &rule) const;
    int confirmedKept() const;
    // Per currency: the unmatched left total minus the unmatched right total (gross), plus each
    // match's differenceMinor. Zero when everything is explained.
    QMap<QString, qint64> difference() const;
    // Subset-sum searches that stopped at max_nodes before finding a group (a group may exist).
    int searchesCapped() const;

    // For the engine.
    ReconResultData &data() { return *m_data; }
    const ReconResultData &data() const { return *m_data; }

private:
    std::shared_ptr<ReconResultData> m_data;
};
