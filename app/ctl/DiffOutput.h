#pragma once

#include "records/RecordDiff.h"

#include <QJsonArray>

// How `diff` and `drift scan` show field differences as JSON: each field with its verdict in words.
QJsonArray fieldsJson(const QList<FieldDiff> &fields, bool all);
