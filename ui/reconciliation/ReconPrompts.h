#pragma once

#include "reconciliation/ReconRowsQuery.h"
#include "reconciliation/ReconciliationPeriod.h"

#include <QDate>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

class QWidget;

// The questions the Reconciliation workspace asks that a reason alone does not answer (those go
// through shell/Prompts): which period, which kind of difference, which parts, which score.
// Tests answer them through hooks instead of modal loops, as shell/Prompts does.
namespace ReconPrompts {
struct PeriodRequest
{
    QString account;
    QString currency;
    QDate from;
    QDate to;
    std::optional<qint64> openingMinor; // none: from the statement, or the previous period
    std::optional<qint64> closingMinor;
};
// `suggested` fills the form (the day after the account's last period, to the month's end).
std::optional<PeriodRequest> openPeriod(
    QWidget *parent, const QList<AccountCurrency> &accounts, const PeriodRequest &suggested);

struct AdjustmentAnswer
{
    Adjustment::Kind kind = Adjustment::Kind::Fee;
    QString reason;
};
// How a difference the selected rows do not explain is booked: fee, FX or rounding, and why.
std::optional<AdjustmentAnswer> adjustment(QWidget *parent, const QString &difference);

struct SplitAnswer
{
    QList<qint64> partsMinor;
    QString reason;
};
// The parts of a statement line, in major units, that must sum to it.
std::optional<SplitAnswer> split(QWidget *parent, const ReconRow &line);

struct BalancesAnswer
{
    qint64 openingMinor = 0;
    qint64 closingMinor = 0;
    QString reason;
};
// A period's balances typed in by finance (a statement without them, or a wrong one), and why.
std::optional<BalancesAnswer> balances(QWidget *parent, const ReconciliationPeriod &period);

// The lowest score "Confirm all above score…" confirms.
std::optional<double> minimumScore(QWidget *parent, double suggested);

struct TestHooks
{
    std::function<std::optional<PeriodRequest>(const PeriodRequest &suggested)> openPeriod;
    std::function<std::optional<AdjustmentAnswer>(const QString &difference)> adjustment;
    std::function<std::optional<SplitAnswer>(const ReconRow &line)> split;
    std::function<std::optional<double>()> minimumScore;
    std::function<std::optional<BalancesAnswer>(const ReconciliationPeriod &period)> balances;
};
void setTestHooks(TestHooks hooks); // empty hooks show the real dialogs again
} // namespace ReconPrompts
