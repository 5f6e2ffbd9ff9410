#pragma once

#include <QList>
#include <QString>

// The operation life cycle (docs/architecture.md). `UnknownOutcome` means the request left and no answer
// came back: the provider may have acted, so it is asked before anything is sent again.
enum class OperationState
{
    Pending,
    Sending,
    Succeeded,
    RetryScheduled,
    FailedPermanent,
    UnknownOutcome,
    NeedsAttention,
    Resolved,
    Cancelled,
};

namespace OperationStates {
// The machine name (`failed_permanent`) is the vocabulary: stored, typed and printed by the CLI,
// in JSON. The label ("Failed permanently") is how the console shows the same state; both come
// from one table, and a label never reads as another state's name.
QString name(OperationState state);
QString label(OperationState state); // for people: "Unknown outcome"
bool fromName(const QString &name, OperationState *state);
// What a person may type: the name or the label, in any case ("Unknown outcome", "UNKNOWN_OUTCOME").
bool fromText(const QString &text, OperationState *state);
QList<OperationState> all();
// States a person should look at: the "Failed" filter of the workbench.
QList<OperationState> needingAction();
bool canTransition(OperationState from, OperationState to);
// Why a transition is refused, in words for the person who asked for it.
QString refusal(OperationState from, OperationState to);
bool isTerminal(OperationState state);
// States an operation is in after an attempt went wrong: what failure groups count.
bool isFailure(OperationState state);
} // namespace OperationStates
