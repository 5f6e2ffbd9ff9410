#pragma once

#include "reconciliation/BigVector.h"
#include "reconciliation/Match.h"
#include "reconciliation/MatchRules.h"
#include "reconciliation/ReconResult.h"
#include "reconciliation/ReconSide.h"

#include <QList>
#include <QMap>

// What a ReconResult holds (internal to models/reconciliation). A new match is one PackedMatch
// and its rows, as row indexes into the sides it was made from; ReconResult::match() turns it
// into a Match, ids and `why` included, when asked.
struct PackedMatch
{
    quint32 leftBegin = 0, leftEnd = 0; // into ReconResultData::leftRows
    quint32 rightBegin = 0, rightEnd = 0; // into ReconResultData::rightRows
    qint64 difference = 0; // Match::differenceMinor
    qint64 total = 0; // what the rule compared: the group's sum, the net
    float score = 1.0f;
    qint16 rule = 0; // index into rules
    qint16 sharedKey = -1; // a reference both carry: its index among the left row's keys
    qint32 dayGap = 0; // the widest gap in days between the match's rows
    bool byPayout = false; // grouped: by the payout id the members carry, not by subset sum
};

struct ReconResultData
{
    ReconSide left, right; // shared with the caller's sides, not copied
    QList<MatchRule> rules;
    QList<Match> confirmed;
    BigVector<PackedMatch> matches;
    BigVector<qint32> leftRows, rightRows;
    QList<qint64> unmatchedLeft, unmatchedRight;
    QList<ReconResult::RuleCount> perRule; // one per rule
    QMap<QString, qint64> difference;
    int searchesCapped = 0;
};
