#pragma once

#include <QCoreApplication>

// English counts without a translation file: tr("%n operation(s)") prints "1 operation(s)"
// unless a .qm supplies the forms, so both forms are given (QT_TRANSLATE_NOOP("Plural", …) at
// the call sites keeps them for translators) and %Ln formats the count in the locale.
inline QString plural(qint64 n, const char *one, const char *many)
{
    return QCoreApplication::translate("Plural", n == 1 ? one : many, nullptr, static_cast<int>(n));
}
