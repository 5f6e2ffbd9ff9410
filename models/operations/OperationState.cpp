#include "operations/OperationState.h"

#include <QHash>

namespace {
using S = OperationState;

struct StateInfo
{
    S state;
    const char *name;
    const char *label;
};

const StateInfo kStates[] = {
    { S::Pending, "pending", "Pending" },
    { S::Sending, "sending", "Sending" },
    { S::Succeeded, "succeeded", "Succeeded" },
    { S::RetryScheduled, "retry_scheduled", "Retry scheduled" },
    { S::FailedPermanent, "failed_permanent", "Failed permanently" },
    { S::UnknownOutcome, "unknown_outcome", "Unknown outcome" },
    { S::NeedsAttention, "needs_attention", "Needs attention" },
    { S::Resolved, "resolved", "Resolved" },
    { S::Cancelled, "cancelled", "Cancelled" },
};

const StateInfo &info(S state)
{
    return kStates[static_cast<int>(state)];
}

// Every legal edge. Anything else is refused by the store, whoever asks.
bool edge(S from, S to)
{
    switch (from) {
    case S::Pending:
        return to == S::Sending || to == S::Cancelled;
    case S::Sending:
        return to == S::Succeeded || to == S::RetryScheduled || to == S::FailedPermanent || to == S::UnknownOutcome
            || to == S::NeedsAttention;
    case S::RetryScheduled:
    case S::NeedsAttention:
        // Succeeded: the provider's own record shows it happened (accepted from a record diff).
        return to == S::Sending || to == S::Succeeded || to == S::Resolved || to == S::Cancelled;
    case S::UnknownOutcome:
        // Settled by asking the provider (succeeded/failed), retried after asking, or resolved
        // by a person. Never cancelled: the money may already have moved.
        return to == S::Sending || to == S::Succeeded || to == S::FailedPermanent || to == S::Resolved;
    case S::FailedPermanent:
        // A provider that later shows the charge succeeded is believed over our failed answer.
        return to == S::Succeeded || to == S::Resolved || to == S::Cancelled;
    case S::Succeeded:
    case S::Resolved:
    case S::Cancelled:
        return false;
    }
    return false;
}
} // namespace

namespace OperationStates {

QString name(OperationState state)
{
    return QString::fromLatin1(info(state).name);
}

QString label(OperationState state)
{
    return QString::fromLatin1(info(state).label);
}

bool fromName(const QString &name, OperationState *state)
{
    for (const StateInfo &s : kStates) {
        if (name == QLatin1String(s.name)) {
            *state = s.state;
            return true;
        }
    }
    return false;
}

bool fromText(const QString &text, OperationState *state)
{
    const QString typed = text.trimmed();
    for (const StateInfo &s : kStates) {
        if (typed.compare(QLatin1String(s.name), Qt::CaseInsensitive) == 0
            || typed.compare(QLatin1String(s.label), Qt::CaseInsensitive) == 0) {
            *state = s.state;
            return true;
        }
    }
    return false;
}

QList<OperationState> all()
{
    QList<OperationState> states;
    for (const StateInfo &s : kStates)
        states << s.state;
    return states;
}

QList<OperationState> needingAction()
{
    return { S::RetryScheduled, S::FailedPermanent, S::UnknownOutcome, S::NeedsAttention };
}

bool canTransition(OperationState from, OperationState to)
{
    return edge(from, to);
}

QString refusal(OperationState from, OperationState to)
{
    if (isTerminal(from))
        return QStringLiteral("The operation is already %1; nothing more can be done to it.")
            .arg(label(from).toLower());
    if (from == S::UnknownOutcome && to == S::Cancelled)
        return QStringLiteral("The provider may already have acted on this operation. Retry it (Reconsole asks the "
                              "provider first) or resolve it with a reason instead of cancelling.");
    if (from == S::FailedPermanent && to == S::Sending)
        return QStringLiteral("The provider refused this operation for good; sending it again with the same "
                              "idempotency key would return the same answer. Resolve it with a reason.");
    if (from == S::Sending)
        return QStringLiteral("The operation is being sent right now; wait for the attempt to finish.");
    return QStringLiteral("An operation that is %1 cannot become %2.").arg(label(from).toLower(), label(to).toLower());
}

bool isTerminal(OperationState state)
{
    return state == S::Succeeded || state == S::Resolved || state == S::Cancelled;
}

bool isFailure(OperationState state)
{
    return state == S::RetryScheduled || state == S::FailedPermanent || state == S::UnknownOutcome
        || state == S::NeedsAttention;
}

} // namespace OperationStates
