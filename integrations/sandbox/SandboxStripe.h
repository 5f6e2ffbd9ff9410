#pragma once

#include "sandbox/SandboxAnswer.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

class QUrl;

// What the sandbox's Stripe-compatible endpoints share: form-encoded bodies and their
// `metadata[…]` parameters, Stripe's error bodies, and its cursor-paged lists.
namespace SandboxStripe {

using Params = QMap<QString, QString>;

Params parseForm(QByteArray body);
Params parseQuery(const QUrl &url);
QJsonObject metadataFrom(const Params &params);

SandboxAnswer error(int status, const QString &type, const QString &message, const QJsonObject &extra = {});
// 400 invalid_request_error, the answer to most mistakes a client makes.
SandboxAnswer invalidRequest(const QString &message, const QJsonObject &extra = {});
// 404 resource_missing: "No such <objectType>: '<id>'".
SandboxAnswer noSuch(const QString &objectType, const QString &id);
// One page of `items` (in list order) after the `starting_after` id or just before the
// `ending_before` id, `limit` long (1…100, default 10), with `has_more` as Stripe sets it.
SandboxAnswer list(const QList<QJsonObject> &items, const QString &url, const Params &query);

} // namespace SandboxStripe
