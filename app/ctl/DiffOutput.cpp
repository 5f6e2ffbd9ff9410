#include "DiffOutput.h"

QJsonArray fieldsJson(const QList<FieldDiff> &fields, bool all)
{
    QJsonArray array;
    for (const FieldDiff &d : fields) {
        if (!all && !d.differs())
            continue;
        QJsonObject o = d.toJson();
        o.insert(QStringLiteral("explanation"), d.verdictText());
        array.append(o);
    }
    return array;
}
