#pragma once

#include "transport/HttpRoute.h"

#include <QList>
#include <QObject>
#include <QString>

#include "intake/IntakeService.h"

#include <memory>

class Database;
class IntakeTokens;
class LedgerIntake;

// The intake API on the agent's port (docs/intake.md, docs/intake.openapi.yaml):
// POST /v1/operations, GET /v1/operations/{id}, GET /v1/operations?idempotency_key=…, and
// POST /v1/ledger_entries, GET /v1/ledger_entries/{id} (LedgerIntake), each behind a bearer
// intake token. Refusals are Stripe-shaped JSON naming the field; nothing is
// stored for them, and each is counted (IntakeStore::countRefusal). Accepted requests are
// committed in groups: those that arrive within kGroupWindowMs of the first (at most
// kMaxGroup) share one transaction, and each is answered 202 once it is committed.
class IntakeApi : public HttpRoute
{
public:
    static constexpr qint64 kBodyLimit = qint64(1) << 20;
    static constexpr int kMaxGroup = 256;
    static constexpr int kGroupWindowMs = 2; // how long the first of a group waits for others

    // What the API serves and every status it answers with: the document is checked against
    // this list, and the handlers answer only through it.
    struct Endpoint
    {
        QByteArray method;
        QString path; // OpenAPI's template: /v1/operations/{id}
        QList<int> statuses;
    };
    static const QList<Endpoint> &endpoints();

    IntakeApi(const Database &db, IntakeService &service, IntakeTokens &tokens);
    ~IntakeApi() override;

    bool serves(const QString &path) const override;
    qint64 bodyLimit(const QString &path) const override;
    void handle(const HttpExchange &exchange, HttpReplier reply) override;
    int commits() const { return m_commits; } // group commits so far, for the benchmark

private:
    void submit(const HttpExchange &exchange, const HttpReplier &reply);
    void commitGroup();
    void answer(const IntakeOutcome &outcome, const HttpReplier &reply);
    void get(qint64 id, const HttpReplier &reply);
    void find(const HttpExchange &exchange, const HttpReplier &reply);
    void ledger(const HttpExchange &exchange, const QString &tokenId, const HttpReplier &reply);
    // Counts a refusal and answers it.
    void refuse(const HttpReplier &reply, const QString &outcome, int status, const QString &type, const QString &param,
        const QString &message);

    const Database &m_db;
    IntakeService &m_service;
    IntakeTokens &m_tokens;
    std::unique_ptr<LedgerIntake> m_ledger;
    struct Waiting
    {
        IntakeRecord request;
        HttpReplier reply;
    };
    QList<Waiting> m_group;
    QObject m_context; // for the timer that commits the group
    int m_commits = 0;
};
