#pragma once

#include <QList>
#include <QString>

// Rows of both sides the matcher (or a person) put together: one-to-one, one-to-many or
// many-to-one.
struct Match
{
    QString rule; // the name of the rule that made it (MatchRule::name)
    double score = 1.0; // 1.0 exact; lower as a tolerance or a search was needed
    QList<qint64> left; // ReconItem ids of the ledger side
    QList<qint64> right; // ReconItem ids of the other side
    bool confirmed = false; // a person confirmed it: a later run keeps it as it is
    QString why; // "amount within 0.50, 2 days apart, reference contains INV-2041"
    QString currency;
    // The left's total minus the right's as the rule compared them (a tolerance's few cents;
    // 0 for exact, fee-aware and grouped matches).
    qint64 differenceMinor = 0;
};
