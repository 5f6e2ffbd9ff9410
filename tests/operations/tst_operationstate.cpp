#include "operations/OperationState.h"

#include <QTest>

using S = OperationState;

class TestOperationState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void names_roundTrip()
    {
        for (S s : OperationStates::all()) {
            S parsed;
            QVERIFY(OperationStates::fromName(OperationStates::name(s), &parsed));
            QCOMPARE(parsed, s);
        }
        S ignored;
        QVERIFY(!OperationStates::fromName(QStringLiteral("exploded"), &ignored));
    }

    // People type what they see: a state's name or its console label, in any case; a label
    // never reads as another state's name.
    void textIsNameOrLabel()
    {
        for (S s : OperationStates::all()) {
            for (const QString &typed : { OperationStates::name(s), OperationStates::label(s),
                     OperationStates::label(s).toUpper(), OperationStates::name(s).toUpper() }) {
                S parsed;
                QVERIFY2(OperationStates::fromText(typed, &parsed), qPrintable(typed));
                QCOMPARE(parsed, s);
            }
            for (S other : OperationStates::all()) {
                if (other != s)
                    QVERIFY(OperationStates::label(s).compare(OperationStates::name(other), Qt::CaseInsensitive) != 0);
            }
        }
        // "Failed" alone is the console's and the CLI's word for every state needing a person.
        S ignored;
        QVERIFY(!OperationStates::fromText(QStringLiteral("failed"), &ignored));
        QCOMPARE(OperationStates::label(S::FailedPermanent), QStringLiteral("Failed permanently"));
        QVERIFY(!OperationStates::fromText(QStringLiteral("exploded"), &ignored));
    }

    void transitions_data()
    {
        QTest::addColumn<S>("from");
        QTest::addColumn<S>("to");
        QTest::addColumn<bool>("legal");
        QTest::newRow("pending → sending") << S::Pending << S::Sending << true;
        QTest::newRow("pending → succeeded") << S::Pending << S::Succeeded << false;
        QTest::newRow("sending → succeeded") << S::Sending << S::Succeeded << true;
        QTest::newRow("sending → unknown") << S::Sending << S::UnknownOutcome << true;
        QTest::newRow("sending → resolved") << S::Sending << S::Resolved << false;
        QTest::newRow("sending → cancelled") << S::Sending << S::Cancelled << false;
        QTest::newRow("retry → sending") << S::RetryScheduled << S::Sending << true;
        QTest::newRow("retry → succeeded (provider's record)") << S::RetryScheduled << S::Succeeded << true;
        QTest::newRow("failed → succeeded (provider's record)") << S::FailedPermanent << S::Succeeded << true;
        QTest::newRow("unknown → sending") << S::UnknownOutcome << S::Sending << true;
        QTest::newRow("unknown → succeeded (settled)") << S::UnknownOutcome << S::Succeeded << true;
        QTest::newRow("unknown → failed (settled)") << S::UnknownOutcome << S::FailedPermanent << true;
        QTest::newRow("unknown → resolved") << S::UnknownOutcome << S::Resolved << true;
        QTest::newRow("unknown → cancelled") << S::UnknownOutcome << S::Cancelled << false;
        QTest::newRow("unknown → retry scheduled") << S::UnknownOutcome << S::RetryScheduled << false;
        QTest::newRow("failed → sending") << S::FailedPermanent << S::Sending << false;
        QTest::newRow("failed → resolved") << S::FailedPermanent << S::Resolved << true;
        QTest::newRow("attention → sending") << S::NeedsAttention << S::Sending << true;
        QTest::newRow("succeeded → sending") << S::Succeeded << S::Sending << false;
        QTest::newRow("resolved → sending") << S::Resolved << S::Sending << false;
        QTest::newRow("cancelled → resolved") << S::Cancelled << S::Resolved << false;
    }

    void transitions()
    {
        QFETCH(S, from);
        QFETCH(S, to);
        QFETCH(bool, legal);
        QCOMPARE(OperationStates::canTransition(from, to), legal);
        if (!legal)
            QVERIFY(!OperationStates::refusal(from, to).isEmpty());
    }

    void terminalStatesHaveNoWayOut()
    {
        for (S from : OperationStates::all()) {
            if (!OperationStates::isTerminal(from))
                continue;
            for (S to : OperationStates::all())
                QVERIFY2(!OperationStates::canTransition(from, to), qPrintable(OperationStates::name(from)));
        }
    }

    void refusalsExplainUnknownOutcome()
    {
        QVERIFY(OperationStates::refusal(S::UnknownOutcome, S::Cancelled)
                    .contains(QLatin1String("may already have acted")));
    }
};

QTEST_GUILESS_MAIN(TestOperationState)
#include "tst_operationstate.moc"
