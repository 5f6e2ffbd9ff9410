// Fixing drift the way each field's owner says, end to end against the sandbox: accept the
// provider's value, push ours as a new operation, ignore with a reason until a side changes,
// bulk-accept from a drift scan; field maps edited by admins only; every step audited.
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "events/EventStore.h"
#include "records/CustomerStore.h"
#include "records/DriftScanner.h"
#include "records/FieldMapStore.h"
#include "records/IgnoreDecisionStore.h"
#include "records/RecordService.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>

namespace {
const QString kCrm = QStringLiteral("crm-sandbox");

QJsonObject contactProps(const QString &email, const QString &phone, const QString &access = QStringLiteral("basic"))
{
    return { { QStringLiteral("email"), email }, { QStringLiteral("firstname"), QStringLiteral("Ann") },
        { QStringLiteral("lastname"), QStringLiteral("Lee") }, { QStringLiteral("phone"), phone },
        { QStringLiteral("reconsole_access"), access } };
}

// Our customer `id` and the CRM's contact for it, linked; returns the contact id.
QString addCustomer(
    const Database &db, SandboxFixture &f, const QString &id, const QJsonObject &ours, const QJsonObject &crm)
{
    const QString contact = f.sandbox.crm().addContact(crm);
    CustomerStore customers(db);
    EXPECT_OK(customers.upsert(id, ours));
    EXPECT_OK(customers.linkExternal(QStringLiteral("customer"), id, kCrm, contact));
    return contact;
}

QJsonObject ourContact(const QString &email, const QString &phone, const QString &access)
{
    return { { QStringLiteral("email"), email }, { QStringLiteral("first_name"), QStringLiteral("Ann") },
        { QStringLiteral("last_name"), QStringLiteral("Lee") }, { QStringLiteral("phone"), phone },
        { QStringLiteral("access"), access } };
}

Result<RecordComparison> compareNow(
    RecordService &service, const QString &type, const QString &id, const QString &provider = {})
{
    std::optional<Result<RecordComparison>> result;
    service.compare(type, id, provider, [&](Result<RecordComparison> r) { result = r; });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 15000); // no answer: the caller sees the failure below
    return result.value_or(failure(ErrorClass::Server, QStringLiteral("no answer within 15 s")));
}

Result<Operation> pushNow(
    RecordService &service, const RecordComparison &c, const QString &field, const QString &reason = {})
{
    std::optional<Result<Operation>> result;
    service.push(
        c, field, [&](Result<Operation> r) { result = r; }, reason);
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 15000); // no answer: the caller sees the failure below
    return result.value_or(failure(ErrorClass::Server, QStringLiteral("no answer within 15 s")));
}

QList<AuditEntry> auditOf(const Database &db, const QString &target)
{
    return AuditLog(db).entriesFor(target).value_or({});
}
} // namespace

class TestRecordFixes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fieldMapEdits_data() { ADD_BACKEND_ROWS(); }
    void fieldMapEdits()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        FieldMapStore maps(db);
        QCOMPARE(
            maps.load(QStringLiteral("contact"))->toJson(), FieldMap::defaults(QStringLiteral("contact")).toJson());

        FieldMap edited = maps.load(QStringLiteral("contact")).value();
        for (FieldRule &r : edited.rules) {
            if (r.field == QLatin1String("phone")) {
                r.owner = FieldOwner::Ours; // our support team now keeps phone numbers
                r.providerPath = QStringLiteral("properties.mobilephone");
            }
        }
        // Support alone may not change who owns what; the refusal is audited.
        const AccessPolicy support({ Role::Support }, QStringLiteral("sam"));
        Status refused = maps.save(edited, support);
        QVERIFY(!refused);
        QCOMPARE(refused.error().errorClass, ErrorClass::Auth);
        QCOMPARE(
            auditOf(db, QStringLiteral("fieldmap:contact")).last().action, QStringLiteral("fieldmap.edit.refused"));

        const AccessPolicy admin({ Role::Admin }, QStringLiteral("ada"));
        QVERIFY(maps.save(edited, admin, QStringLiteral("phones are ours since the migration")));
        const FieldRule *phone = maps.load(QStringLiteral("contact"))->rule(QStringLiteral("phone"));
        QVERIFY(phone);
        QCOMPARE(phone->owner, FieldOwner::Ours);
        QCOMPARE(phone->providerPath, QStringLiteral("properties.mobilephone"));
        const AuditEntry e = auditOf(db, QStringLiteral("fieldmap:contact")).last();
        QCOMPARE(e.action, QStringLiteral("fieldmap.edit"));
        QCOMPARE(e.actor, QStringLiteral("ada"));
        QVERIFY(e.before.contains(QStringLiteral("\"properties.phone\"")));
        QVERIFY(e.after.contains(QStringLiteral("\"properties.mobilephone\"")));

        // Nonsense is refused with what to write instead; nothing changes.
        FieldMap bad = edited;
        bad.rules[0].providerPath = QStringLiteral("properties..email");
        QVERIFY(maps.save(bad, admin).message().contains(QStringLiteral("dotted")));
        bad = edited;
        bad.rules[0].ourPath = QStringLiteral("password");
        QVERIFY(maps.save(bad, admin).message().contains(QStringLiteral("no 'password'")));
        QCOMPARE(maps.load(QStringLiteral("contact"))->rule(QStringLiteral("phone"))->providerPath,
            QStringLiteral("properties.mobilephone"));

        QVERIFY(maps.restoreDefaults(QStringLiteral("contact"), admin));
        QCOMPARE(
            maps.load(QStringLiteral("contact"))->toJson(), FieldMap::defaults(QStringLiteral("contact")).toJson());
        QVERIFY(AuditLog(db).verify()->firstBrokenId == 0);
    }

    void customerSuggestions_data() { ADD_BACKEND_ROWS(); }
    void customerSuggestions()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        CustomerStore customers(*scratch.db());
        QVERIFY(customers.upsert(QStringLiteral("CUS-7"),
            ourContact(QStringLiteral("Ann.Keller@example.com"), QStringLiteral("+1"), QStringLiteral("basic"))));
        QVERIFY(customers.upsert(QStringLiteral("CUS-8"),
            ourContact(QStringLiteral("ben@example.com"), QStringLiteral("+1"), QStringLiteral("basic"))));
        QCOMPARE(customers.suggestions(QStringLiteral("keller"), 5).value(),
            QStringList { QStringLiteral("Ann.Keller@example.com") });
        QCOMPARE(customers.suggestions(QStringLiteral("cus-"), 5).value(),
            (QStringList { QStringLiteral("CUS-7"), QStringLiteral("CUS-8") }));
        QCOMPARE(customers.suggestions(QStringLiteral("cus-"), 1).value().size(), 1);
        // LIKE's wildcards in what is typed match only themselves.
        QVERIFY(customers.upsert(QStringLiteral("CUS-9"),
            ourContact(QStringLiteral("ann_keller@example.com"), QStringLiteral("+1"), QStringLiteral("basic"))));
        QCOMPARE(customers.suggestions(QStringLiteral("ann_k"), 5).value(),
            QStringList { QStringLiteral("ann_keller@example.com") });
        QCOMPARE(customers.suggestions(QStringLiteral("%keller"), 5).value(), QStringList());
    }

    void ignoreHoldsUntilASideChanges_data() { ADD_BACKEND_ROWS(); }
    void ignoreHoldsUntilASideChanges()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        const AccessPolicy support({ Role::Support }, QStringLiteral("sam"));
        const FieldMap map = FieldMap::defaults(QStringLiteral("contact"));
        const QJsonObject ours { { QStringLiteral("phone"), QStringLiteral("+1 555") } };
        QJsonObject crm { { QStringLiteral("properties"),
            QJsonObject { { QStringLiteral("phone"), QStringLiteral("+1 556") } } } };
        QList<FieldDiff> diffs = RecordDiff::compare(map, ours, crm);
        const FieldDiff phone = diffs.at(3);
        QCOMPARE(phone.field, QStringLiteral("phone"));

        IgnoreDecisionStore ignores(db);
        QVERIFY(
            !ignores.ignore(QStringLiteral("contact"), QStringLiteral("CUS-1"), phone, QStringLiteral("  "), support));
        QVERIFY(ignores.ignore(QStringLiteral("contact"), QStringLiteral("CUS-1"), phone,
            QStringLiteral("the CRM keeps the desk line; both are right"), support));
        QVERIFY(ignores.apply(QStringLiteral("contact"), QStringLiteral("CUS-1"), diffs));
        QVERIFY(diffs.at(3).ignoredBecause.contains(QStringLiteral("desk line")));
        QVERIFY(!diffs.at(3).needsAction());

        // The CRM's value moves again: the old decision does not cover the new difference.
        crm[QStringLiteral("properties")] = QJsonObject { { QStringLiteral("phone"), QStringLiteral("+1 557") } };
        diffs = RecordDiff::compare(map, ours, crm);
        QVERIFY(ignores.apply(QStringLiteral("contact"), QStringLiteral("CUS-1"), diffs));
        QVERIFY(diffs.at(3).needsAction());
        // Nor does it cover another customer.
        diffs = RecordDiff::compare(map, ours,
            { { QStringLiteral("properties"),
                QJsonObject { { QStringLiteral("phone"), QStringLiteral("+1 556") } } } });
        QVERIFY(ignores.apply(QStringLiteral("contact"), QStringLiteral("CUS-2"), diffs));
        QVERIFY(diffs.at(3).needsAction());
        QCOMPARE(auditOf(db, QStringLiteral("contact:CUS-1")).last().action, QStringLiteral("record.ignore"));
    }

    void contactAcceptPushIgnore_data() { ADD_BACKEND_ROWS(); }
    void contactAcceptPushIgnore()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        RecordService records(db, *f.registry, *f.runner, f.access);
        // The CRM has a newer phone (it owns phones); we upgraded the access (we own access).
        const QString contact = addCustomer(db, f, QStringLiteral("CUS-7"),
            ourContact(QStringLiteral("ann@example.com"), QStringLiteral("+1"), QStringLiteral("premium")),
            contactProps(QStringLiteral("ann@example.com"), QStringLiteral("+2"), QStringLiteral("basic")));

        auto c = compareNow(records, QStringLiteral("contact"), QStringLiteral("ann@example.com"));
        QVERIFY2(c, qPrintable(c.message()));
        QCOMPARE(c->ours.entityId, QStringLiteral("CUS-7"));
        QCOMPARE(c->ours.externalId, contact);
        QCOMPARE(c->differing(), 2);
        QCOMPARE(c->field(QStringLiteral("phone"))->verdict, FieldDiff::Verdict::OursIsWrong);
        QCOMPARE(c->field(QStringLiteral("subscription access"))->verdict, FieldDiff::Verdict::ProviderIsWrong);

        // Each action only where the owner says so.
        QVERIFY(records.accept(c.value(), QStringLiteral("subscription access"))
                    .message()
                    .contains(QStringLiteral("push our value")));
        QVERIFY(pushNow(records, c.value(), QStringLiteral("phone"))
                    .message()
                    .contains(QStringLiteral("accept its value")));

        // Accept the CRM's phone: our row changes, the audit says from what to what.
        QVERIFY(records.accept(c.value(), QStringLiteral("phone")));
        QCOMPARE(CustomerStore(db).get(QStringLiteral("CUS-7"))->value(QStringLiteral("phone")).toString(),
            QStringLiteral("+2"));
        AuditEntry accepted = auditOf(db, QStringLiteral("contact:CUS-7")).last();
        QCOMPARE(accepted.action, QStringLiteral("record.accept"));
        QCOMPARE(accepted.before, QStringLiteral("phone: +1"));
        QCOMPARE(accepted.after, QStringLiteral("phone: +2"));

        // Push our access: a new operation with a key of its own, sent and in the workbench.
        auto pushed = pushNow(records, c.value(), QStringLiteral("subscription access"));
        QVERIFY2(pushed, qPrintable(pushed.message()));
        QCOMPARE(pushed->state, OperationState::Succeeded);
        QCOMPARE(pushed->action, QStringLiteral("update_contact"));
        QVERIFY(pushed->idempotencyKey.startsWith(QStringLiteral("rc-push-")));
        QCOMPARE(OperationStore(db).get(pushed->id)->state, OperationState::Succeeded);
        QCOMPARE(auditOf(db, QStringLiteral("contact:CUS-7")).last().action, QStringLiteral("record.push"));
        auto again = compareNow(records, QStringLiteral("contact"), QStringLiteral("CUS-7"));
        QVERIFY2(again, qPrintable(again.message()));
        QCOMPARE(again->differing(), 0);
        QCOMPARE(RecordDiff::normalized(again->provider.value(QStringLiteral("properties"))
                                            .toObject()
                                            .value(QStringLiteral("reconsole_access"))),
            QStringLiteral("premium"));
        // A second push makes a second operation with another key.
        f.sandbox.crm().changeContact(contact, { { QStringLiteral("reconsole_access"), QStringLiteral("basic") } });
        again = compareNow(records, QStringLiteral("contact"), contact); // by the CRM's id this time
        auto second = pushNow(records, again.value(), QStringLiteral("subscription access"));
        QVERIFY2(second, qPrintable(second.message()));
        QVERIFY(second->idempotencyKey != pushed->idempotencyKey);

        // Ignore a difference with a reason: it stays quiet until the CRM changes it again.
        f.sandbox.crm().changeContact(contact, { { QStringLiteral("lastname"), QStringLiteral("Lee-Smith") } });
        again = compareNow(records, QStringLiteral("contact"), QStringLiteral("CUS-7"));
        QCOMPARE(again->differing(), 1);
        QVERIFY(!records.ignore(again.value(), QStringLiteral("last name"), QString()));
        QVERIFY(records.ignore(
            again.value(), QStringLiteral("last name"), QStringLiteral("double-barrelled in the CRM only")));
        again = compareNow(records, QStringLiteral("contact"), QStringLiteral("CUS-7"));
        QCOMPARE(again->differing(), 0);
        QVERIFY(!again->field(QStringLiteral("last name"))->ignoredBecause.isEmpty());
        f.sandbox.crm().changeContact(contact, { { QStringLiteral("lastname"), QStringLiteral("Smith") } });
        again = compareNow(records, QStringLiteral("contact"), QStringLiteral("CUS-7"));
        QCOMPARE(again->differing(), 1);
        QVERIFY(AuditLog(db).verify()->firstBrokenId == 0);
    }

    void paymentAcceptPushAndConflict_data() { ADD_BACKEND_ROWS(); }
    void paymentAcceptPushAndConflict()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        RecordService records(db, *f.registry, *f.runner, f.access);
        Operation payment = SandboxFixture::payment(QStringLiteral("diff-1"));
        payment.payload.insert(QStringLiteral("description"), QStringLiteral("Order 1"));
        const qint64 id = OperationStore(db).insert(payment).value();
        bool ran = false;
        f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation>) { ran = true; });
        QTRY_VERIFY(ran);
        const QString pi = OperationStore(db).get(id)->externalId;
        QVERIFY(pi.startsWith(QStringLiteral("pi_")));

        // Our row says failed though the provider charged: the provider owns the status.
        QSqlQuery broken(db.connection());
        QVERIFY(broken.exec(QStringLiteral("UPDATE operations SET state = 'failed_permanent' WHERE id = %1").arg(id)));
        auto c = compareNow(records, QStringLiteral("payment"), pi);
        QVERIFY2(c, qPrintable(c.message()));
        QCOMPARE(c->differing(), 1);
        QCOMPARE(c->field(QStringLiteral("status"))->verdict, FieldDiff::Verdict::OursIsWrong);
        QVERIFY(records.accept(c.value(), QStringLiteral("status")));
        QCOMPARE(OperationStore(db).get(id)->state, OperationState::Succeeded);
        const AuditEntry accepted = auditOf(db, QStringLiteral("payment:%1").arg(id)).last();
        QCOMPARE(accepted.before, QStringLiteral("status: requires_payment_method"));
        QCOMPARE(accepted.after, QStringLiteral("status: succeeded"));

        // The description is ours; someone edited it in the provider's dashboard.
        f.sandbox.editPaymentIntent(pi, { { QStringLiteral("description"), QStringLiteral("edited") } });
        c = compareNow(records, QStringLiteral("payment"), QString::number(id));
        QCOMPARE(c->field(QStringLiteral("description"))->verdict, FieldDiff::Verdict::ProviderIsWrong);
        auto pushed = pushNow(records, c.value(), QStringLiteral("description"));
        QVERIFY2(pushed, qPrintable(pushed.message()));
        QCOMPARE(pushed->state, OperationState::Succeeded);
        QCOMPARE(pushed->entityId, payment.entityId); // on the order's timeline
        c = compareNow(records, QStringLiteral("payment"), pi);
        QCOMPARE(c->differing(), 0);
        // The push did not disturb how the original is found again.
        QCOMPARE(
            c->provider.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("reconsole_key")).toString(),
            QStringLiteral("diff-1"));

        // A webhook told us "v1"; since then we wrote "v2" and the dashboard "v3": a conflict.
        Event heard;
        heard.source = QStringLiteral("stripe-sandbox");
        heard.externalId = QStringLiteral("evt_diff_1");
        heard.type = QStringLiteral("payment_intent.succeeded");
        heard.operationId = id;
        heard.occurredAt = heard.receivedAt = nowMs();
        heard.channel = QStringLiteral("webhook");
        heard.payload = QString::fromUtf8(
            QJsonDocument(QJsonObject { { QStringLiteral("data"),
                              QJsonObject { { QStringLiteral("object"),
                                  QJsonObject { { QStringLiteral("id"), pi },
                                      { QStringLiteral("description"), QStringLiteral("v1") } } } } } })
                .toJson());
        QVERIFY(EventStore(db).insertIfNew(heard));
        Operation ours = OperationStore(db).get(id).value();
        QJsonObject payload = ours.payload;
        payload.insert(QStringLiteral("description"), QStringLiteral("v2"));
        QVERIFY(OperationStore(db).amend(ours, payload, ours.externalId,
            AuditEntry { 0, 0, QStringLiteral("t"), QStringLiteral("test"), QStringLiteral("t"), {}, {}, {}, {}, {} }));
        f.sandbox.editPaymentIntent(pi, { { QStringLiteral("description"), QStringLiteral("v3") } });
        c = compareNow(records, QStringLiteral("payment"), pi);
        const FieldDiff *d = c->field(QStringLiteral("description"));
        QCOMPARE(d->verdict, FieldDiff::Verdict::Conflict);
        QCOMPARE(d->lastWebhook.toString(), QStringLiteral("v1"));
        // Never settled silently: either side needs a person's reason.
        QVERIFY(
            records.accept(c.value(), QStringLiteral("description")).message().contains(QStringLiteral("conflict")));
        QVERIFY(
            pushNow(records, c.value(), QStringLiteral("description")).message().contains(QStringLiteral("conflict")));
        QVERIFY(
            records.accept(c.value(), QStringLiteral("description"), QStringLiteral("finance renamed it on purpose")));
        QCOMPARE(
            OperationStore(db).get(id)->payload.value(QStringLiteral("description")).toString(), QStringLiteral("v3"));
        QCOMPARE(auditOf(db, QStringLiteral("payment:%1").arg(id)).last().reason,
            QStringLiteral("finance renamed it on purpose"));
    }

    void onlySupportFixesRecords()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db, 1500, { Role::Finance });
        f.addCrm(db);
        addCustomer(db, f, QStringLiteral("CUS-1"),
            ourContact(QStringLiteral("a@example.com"), QStringLiteral("+1"), QStringLiteral("basic")),
            contactProps(QStringLiteral("a@example.com"), QStringLiteral("+2")));
        RecordService records(db, *f.registry, *f.runner, f.access);
        auto c = compareNow(records, QStringLiteral("contact"), QStringLiteral("CUS-1")); // looking is for everyone
        QVERIFY2(c, qPrintable(c.message()));
        Status refused = records.accept(c.value(), QStringLiteral("phone"));
        QCOMPARE(refused.error().errorClass, ErrorClass::Auth);
        QCOMPARE(auditOf(db, QStringLiteral("contact:CUS-1")).last().action, QStringLiteral("record.accept.refused"));
        QCOMPARE(CustomerStore(db).get(QStringLiteral("CUS-1"))->value(QStringLiteral("phone")).toString(),
            QStringLiteral("+1"));
    }

    // A scan's findings, bulk-accepted for one field: only where ours is wrong by the rules,
    // and not where our value moved since the scan.
    void bulkAcceptFromAScan()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        QStringList contacts;
        for (int i = 0; i < 30; ++i) {
            const QString email = QStringLiteral("c%1@example.com").arg(i);
            const bool phoneDrift = i % 6 == 0; // 0, 6, 12, 18, 24
            const bool accessDrift = i == 7;
            contacts << addCustomer(db, f, QStringLiteral("CUS-%1").arg(i),
                ourContact(
                    email, QStringLiteral("+1"), accessDrift ? QStringLiteral("premium") : QStringLiteral("basic")),
                contactProps(email, phoneDrift ? QStringLiteral("+9") : QStringLiteral("+1")));
        }
        DriftScanner scanner(db, *f.registry);
        std::optional<Result<DriftReport>> report;
        scanner.scan(QStringLiteral("contact"), kCrm, true, [&](Result<DriftReport> r) { report = r; });
        QTRY_VERIFY_WITH_TIMEOUT(report.has_value(), 20000);
        QVERIFY2(*report, qPrintable(report->message()));
        QCOMPARE(report->value().drifted.size(), 6);

        // Our phone of CUS-24 changed after the scan: accepting the stale finding would be wrong.
        EXPECT_OK(CustomerStore(db).upsert(QStringLiteral("CUS-24"),
            ourContact(QStringLiteral("c24@example.com"), QStringLiteral("+5"), QStringLiteral("basic"))));
        RecordService records(db, *f.registry, *f.runner, f.access);
        const auto result = records.acceptFound(kCrm, QStringLiteral("contact"), QStringLiteral("phone"), contacts);
        QCOMPARE(result.accepted, 4);
        QCOMPARE(result.skipped, 1);
        QVERIFY(result.problems.join(QLatin1Char('\n'))
                    .contains(QStringLiteral("CUS-24: our value changed since the scan")));
        for (int i : { 0, 6, 12, 18 })
            QCOMPARE(CustomerStore(db).get(QStringLiteral("CUS-%1").arg(i))->value(QStringLiteral("phone")).toString(),
                QStringLiteral("+9"));
        // What is left to decide: CUS-24's phone and CUS-7's access.
        const auto left = DriftFindingStore(db).list(kCrm, QStringLiteral("contact")).value();
        QCOMPARE(left.size(), 2);
        // Accepting access (ours) in bulk is refused per record, never forced.
        const auto access
            = records.acceptFound(kCrm, QStringLiteral("contact"), QStringLiteral("subscription access"), contacts);
        QCOMPARE(access.accepted, 0);
        QCOMPARE(access.skipped, 1);
    }
};

QTEST_GUILESS_MAIN(TestRecordFixes)
#include "tst_recordfixes.moc"
