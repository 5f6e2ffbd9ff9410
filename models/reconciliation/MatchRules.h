#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <algorithm>

// Which rules run, in order, and their settings; read from and written to a JSON rules file:
//   {"rules": [{"rule": "exact"},
//              {"rule": "tolerance", "amount_minor": 50, "amount_percent": 0, "days": 3},
//              {"rule": "fee", "days": 3},
//              {"rule": "grouped", "days": 3, "max_group_size": 4, "max_nodes": 5000}]}
// Every key but "rule" is optional (the defaults below); a key the rule does not take is an
// error naming it. docs/reconciliation.md says precisely what each rule matches.
struct MatchRule
{
    enum class Kind
    {
        Exact, // same reference (any of either row's), currency and amount
        Tolerance, // same currency, amount within a tolerance, date within a window
        Fee, // the ledger's net against a provider line's gross minus its fee
        Grouped, // a payout against the lines carrying its id; a line against a small group summing to it
    };

    Kind kind = Kind::Exact;
    QString name; // in counts and Match::rule; the kind's name unless given ("name"), unique in a file

    // Tolerance, fee and grouped: the dates at most this many days apart ("days").
    int windowDays = 3;
    // Tolerance: the amounts differ by at most max(toleranceMinor, |left| × basis points / 10000)
    // ("amount_minor"; "amount_percent", 0.5 being 50 basis points).
    qint64 toleranceMinor = 50;
    int toleranceBasisPoints = 0;
    // Tolerance: the right's reference or description contains this text, ignoring case ("text").
    QString requireText;
    // Tolerance: the right's reference or description contains the left's reference ("reference_in_text").
    bool referenceInText = false;
    // Fee: the two must also share a reference, not only be in the window ("require_reference").
    bool requireReference = false;
    // Grouped: by payout id ("by_payout") and by subset sum ("subset_sum"), the group at most
    // maxGroupSize rows ("max_group_size", 2..8), each search at most maxNodes steps ("max_nodes").
    bool byPayout = true;
    bool subsetSum = true;
    int maxGroupSize = 4;
    int maxNodes = 5000;

    // Tolerance: how far from `leftAmount` the right's amount may be.
    qint64 allowedDifference(qint64 leftAmount) const
    {
        return std::max(toleranceMinor, (leftAmount < 0 ? -leftAmount : leftAmount) * toleranceBasisPoints / 10000);
    }

    static MatchRule ofKind(Kind kind);
    static QString kindName(Kind kind);
};

struct MatchRules
{
    QList<MatchRule> rules;

    // exact, tolerance, fee, grouped with the defaults above.
    static MatchRules defaults();
    // `source` (a file name) starts every error message.
    static Result<MatchRules> fromJson(const QByteArray &json, const QString &source = QStringLiteral("rules"));
    static Result<MatchRules> load(const QString &path);
    QByteArray toJson() const;
    Status save(const QString &path) const;
    // Names unique and not empty, settings in range; Matcher::run checks it too.
    Status validate() const;
};
