#pragma once

#include "operations/OperationState.h"

#include <QList>
#include <QString>

// The states a --state option names: a state's name or label in any case, a comma list, or
// `failed` (every state that needs a person). False, with the first word that names none in
// `unknown`, otherwise. Shared by `ops list` and `ops plan`.
bool parseStates(const QString &value, QList<OperationState> *states, QString *unknown = nullptr);
