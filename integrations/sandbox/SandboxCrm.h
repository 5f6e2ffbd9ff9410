#pragma once

#include "sandbox/SandboxAnswer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <deque>
#include <functional>

class QHttpServerRequest;

// HubSpot's CRM v3 objects API for contacts, as far as Reconsole uses it: create, update, get
// by id, list with `after` paging, search by e-mail. Every answer carries HubSpot's rate-limit
// headers; over the limit it answers 429 as HubSpot does.
class SandboxCrm
{
public:
    SandboxCrm();

    // Limits like HubSpot's: `perInterval` requests per `intervalMs`, and `perSecond`. 0: none.
    void setRateLimit(int perInterval, int intervalMs, int perSecond);
    SandboxAnswer handle(const QHttpServerRequest &request);
    // HubSpot's own answers when over a limit, and when it fails.
    static SandboxAnswer rateLimited();
    static SandboxAnswer error(int status, const QString &category, const QString &message);
    // For tests and the demo: a contact as the CRM holds it, and a change made "in the CRM".
    QString addContact(const QJsonObject &properties);
    void changeContact(const QString &id, const QJsonObject &properties);
    int contactCount() const { return static_cast<int>(m_contacts.size()); }
    // Called with HubSpot-shaped webhook events (contact.creation, contact.propertyChange, one
    // changed property each) whenever a contact is created or changes; unset: none are made.
    void setChangeListener(std::function<void(const QJsonArray &events)> listener) { m_onChange = std::move(listener); }
    int throttled() const { return m_throttled; }

private:
    SandboxAnswer route(const QHttpServerRequest &request);
    SandboxAnswer list(const QMap<QString, QString> &query) const;
    SandboxAnswer search(const QJsonObject &body) const;
    void addRateHeaders(SandboxAnswer &answer) const;
    bool admit();
    void announce(qint64 id, const QString &type, const QJsonObject &changed);

    QMap<qint64, QJsonObject> m_contacts; // by numeric id, in id order (HubSpot pages by id)
    qint64 m_nextId = 101;
    int m_perInterval = 0;
    int m_intervalMs = 10000;
    int m_perSecond = 0;
    std::deque<qint64> m_recent; // admission times, ms on m_clock
    QElapsedTimer m_clock;
    int m_throttled = 0;
    qint64 m_nextEventId = 1;
    std::function<void(const QJsonArray &)> m_onChange;
};
