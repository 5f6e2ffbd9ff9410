#include "sandbox/SandboxStripe.h"

#include <QJsonArray>
#include <QUrl>
#include <QUrlQuery>

namespace SandboxStripe {

Params parseForm(QByteArray body)
{
    body.replace('+', "%20");
    Params params;
    const QUrlQuery form(QString::fromUtf8(body));
    for (const auto &[key, value] : form.queryItems(QUrl::FullyDecoded))
        params.insert(key, value);
    return params;
}

Params parseQuery(const QUrl &url)
{
    Params query;
    for (const auto &[key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
        query.insert(key, value);
    return query;
}

QJsonObject metadataFrom(const Params &params)
{
    QJsonObject metadata;
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (it.key().startsWith(QLatin1String("metadata[")) && it.key().endsWith(QLatin1Char(']')))
            metadata.insert(it.key().mid(9, it.key().size() - 10), it.value());
    }
    return metadata;
}

SandboxAnswer error(int status, const QString &type, const QString &message, const QJsonObject &extra)
{
    QJsonObject err = extra;
    err.insert(QStringLiteral("type"), type);
    err.insert(QStringLiteral("message"), message);
    return SandboxAnswer::json(status, QJsonObject { { QStringLiteral("error"), err } });
}

SandboxAnswer invalidRequest(const QString &message, const QJsonObject &extra)
{
    return error(400, QStringLiteral("invalid_request_error"), message, extra);
}

SandboxAnswer noSuch(const QString &objectType, const QString &id)
{
    return error(404, QStringLiteral("invalid_request_error"), QStringLiteral("No such %1: '%2'").arg(objectType, id),
        { { QStringLiteral("code"), QStringLiteral("resource_missing") } });
}

SandboxAnswer list(const QList<QJsonObject> &items, const QString &url, const Params &query)
{
    bool ok = true;
    const int limit = query.contains(QStringLiteral("limit")) ? query.value(QStringLiteral("limit")).toInt(&ok) : 10;
    if (!ok || limit < 1 || limit > 100)
        return invalidRequest(QStringLiteral("Invalid limit: must be between 1 and 100"),
            { { QStringLiteral("param"), QStringLiteral("limit") } });
    const QString after = query.value(QStringLiteral("starting_after"));
    const QString before = query.value(QStringLiteral("ending_before"));
    if (!after.isEmpty() && !before.isEmpty())
        return invalidRequest(
            QStringLiteral("You may only specify one of these parameters: ending_before, starting_after."),
            { { QStringLiteral("param"), QStringLiteral("ending_before") } });
    const QString cursor = after.isEmpty() ? before : after;
    qsizetype at = -1; // the cursor's position in the list
    for (qsizetype i = 0; !cursor.isEmpty() && i < items.size() && at < 0; ++i) {
        if (items.at(i).value(QStringLiteral("id")).toString() == cursor)
            at = i;
    }
    if (!cursor.isEmpty() && at < 0)
        return invalidRequest(QStringLiteral("No such object: '%1'").arg(cursor),
            { { QStringLiteral("param"),
                after.isEmpty() ? QStringLiteral("ending_before") : QStringLiteral("starting_after") } });
    // starting_after: the `limit` items after the cursor. ending_before: the `limit` items just
    // before it (newer, in a newest-first list), still in list order; has_more then says whether
    // there are more before those, as Stripe's backward paging does.
    const qsizetype start = !before.isEmpty() ? qMax<qsizetype>(0, at - limit) : after.isEmpty() ? 0 : at + 1;
    const qsizetype end = !before.isEmpty() ? at : items.size();
    QJsonArray data;
    for (qsizetype i = start; i < end && data.size() < limit; ++i)
        data.append(items.at(i));
    const bool hasMore = !before.isEmpty() ? start > 0 : start + data.size() < items.size();
    return SandboxAnswer::json(200,
        { { QStringLiteral("object"), QStringLiteral("list") }, { QStringLiteral("data"), data },
            { QStringLiteral("has_more"), hasMore }, { QStringLiteral("url"), url } });
}

} // namespace SandboxStripe
