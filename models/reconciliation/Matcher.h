#pragma once

#include "core/Result.h"
#include "reconciliation/Match.h"
#include "reconciliation/MatchRules.h"
#include "reconciliation/ReconResult.h"
#include "reconciliation/ReconSide.h"

// The matching engine: pure, in memory, no database. The rules run in their order over the
// rows the earlier ones left; every row is used at most once; ties go to the closest date,
// then the closest amount, then the lower ids (docs/reconciliation.md gives the exact order).
// Confirmed matches are kept as they are and their rows taken out before any rule runs.
// Fails (Input) on a side with an id twice, on confirmed matches sharing a row, on bad rules.
class Matcher
{
public:
    static Result<ReconResult> run(
        const ReconSide &left, const ReconSide &right, const MatchRules &rules, const QList<Match> &confirmed = {});
    static Result<ReconResult> run(const QList<ReconItem> &left, const QList<ReconItem> &right, const MatchRules &rules,
        const QList<Match> &confirmed = {});
};
