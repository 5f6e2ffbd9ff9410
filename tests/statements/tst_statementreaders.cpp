// The statement readers on real files written by others (tests/fixtures/statements, each with
// its licence), the broken ones included: amounts in minor units, directions, balances and the
// balance check, the dialects, stable identities, and errors that name the file and the line.
#include "core/Money.h"
#include "statements/StatementReader.h"
#include "statements/StatementSink.h"

#include <QBuffer>
#include <QTest>

namespace {
QString fixture(const QString &name)
{
    return QStringLiteral(RECONSOLE_FIXTURES "/statements/") + name;
}

QList<Statement> readOk(const QString &name)
{
    auto read = StatementReader::readFile(fixture(name));
    if (!read)
        qWarning().noquote() << read.message();
    return read ? read.value() : QList<Statement>();
}

Result<QList<Statement>> readText(StatementFormat format, const QByteArray &text, const QString &name)
{
    QBuffer buffer;
    buffer.setData(text);
    buffer.open(QIODevice::ReadOnly);
    return StatementReader::read(format, buffer, name);
}
} // namespace

class TestStatementReaders : public QObject
{
    Q_OBJECT
private slots:
    void moneyIsExact()
    {
        QCOMPARE(Money::parseMajor(u"18.15", 2), 1815);
        QCOMPARE(Money::parseMajor(u"6800,", 2, QLatin1Char(',')), 680000);
        QCOMPARE(Money::parseMajor(u"-6.60", 2), -660);
        QCOMPARE(Money::parseMajor(u"2700", 0), 2700);
        QCOMPARE(Money::parseMajor(u"1.250", 3), 1250);
        QCOMPARE(Money::parseMajor(u"105.750", 2), 10575); // a trailing zero beyond the currency's
        QVERIFY(!Money::parseMajor(u"105.755", 2)); // but not a real third decimal
        QVERIFY(!Money::parseMajor(u"12a", 2));
        QVERIFY(!Money::parseMajor(u"", 2));
        QCOMPARE(Money::formatMajor(-660, 2), QStringLiteral("-6.60"));
        QCOMPARE(Money::formatMajor(5, 3), QStringLiteral("0.005"));
        QCOMPARE(Money::exponent(QStringLiteral("jpy")), 0);
        QCOMPARE(Money::exponent(QStringLiteral("KWD")), 3);
    }

    void detectsEachFormat()
    {
        QCOMPARE(StatementReader::detect("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:"
                                         "camt.053.001.08\"><BkToCstmrStmt>"),
            StatementFormat::Camt053);
        QCOMPARE(
            StatementReader::detect("ABNANL2A\r\n940\r\nABNANL2A\r\n:20:ABN AMRO BANK NV\r\n"), StatementFormat::Mt940);
        QCOMPARE(StatementReader::detect("OFXHEADER:100\nDATA:OFXSGML\n"), StatementFormat::Ofx);
        QCOMPARE(
            StatementReader::detect("<?xml version=\"1.0\"?>\n<?OFX OFXHEADER=\"200\"?>\n<OFX>"), StatementFormat::Ofx);
        QVERIFY(!StatementReader::detect("date,amount,currency\n2024-01-01,1.00,EUR\n"));
    }

    void camtMultiStatementBalances()
    {
        const QList<Statement> s = readOk(QStringLiteral("camt053/camt053.v2.multi.statement.xml"));
        QCOMPARE(s.size(), 2);
        QCOMPARE(s[0].account, QStringLiteral("NL26VAYB8060476890"));
        QCOMPARE(s[0].opening->minor, 1815);
        QCOMPARE(s[0].closing->minor, 2700);
        QCOMPARE(s[0].lines.size(), 1);
        const StatementLine &in = s[0].lines[0];
        QCOMPARE(in.amountMinor, 885);
        QCOMPARE(in.direction, Direction::Credit);
        QCOMPARE(in.currency, QStringLiteral("EUR"));
        QCOMPARE(in.bookingDate, QDate(2014, 12, 31));
        QCOMPARE(in.valueDate, QDate(2015, 1, 2));
        QCOMPARE(in.endToEndId, QStringLiteral("000000001"));
        QCOMPARE(in.description, QStringLiteral("Transaction Description 1"));
        QCOMPARE(s[0].check(), Statement::Check::Balanced); // 18.15 + 8.85 = 27.00
        QCOMPARE(s[1].lines[0].direction, Direction::Debit);
        QCOMPARE(s[1].lines[0].signedMinor(), -700);
        QCOMPARE(s[1].check(), Statement::Check::Balanced); // 27.00 − 7.00 = 20.00
    }

    void camtMixedCurrenciesAreNotBalanced()
    {
        for (const QString name : { QStringLiteral("camt053.v2.minimal.xml"), QStringLiteral("camt053.v3.xml") }) {
            const QList<Statement> s = readOk(QStringLiteral("camt053/") + name);
            QCOMPARE(s.size(), 1);
            QCOMPARE(s[0].opening->currency, QStringLiteral("EUR"));
            QCOMPARE(s[0].closing->currency, QStringLiteral("SEK"));
            QCOMPARE(s[0].check(), Statement::Check::Unknown);
            QCOMPARE(s[0].lines[0].amountMinor, 885);
        }
        // v3 names the other party of a credit (the debtor) and the bank's own entry reference.
        const StatementLine line = readOk(QStringLiteral("camt053/camt053.v3.xml"))[0].lines[0];
        QCOMPARE(line.bankEntryId, QStringLiteral("XXXXXXXXXXXXXXXXXXXXXXEUR"));
        QCOMPARE(line.counterpartyName, QStringLiteral("NAME NAME"));
        QCOMPARE(line.counterpartyAccount, QStringLiteral("NL56AGDH9619008421"));
        QVERIFY(line.identity.startsWith(QLatin1String("bank:")));
    }

    void camtThatIsNoStatementIsRefused()
    {
        auto read = StatementReader::readFile(fixture(QStringLiteral("camt053/camt053.v2.wrong.xml")));
        QVERIFY(!read);
        QVERIFY2(read.message().startsWith(QLatin1String("camt053.v2.wrong.xml line ")), qPrintable(read.message()));
        QVERIFY(read.message().contains(QLatin1String("<Stmt>")));
    }

    void camtTruncatedOrMisencodedIsRefused()
    {
        QFile file(fixture(QStringLiteral("camt053/camt053.v2.multi.statement.xml")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray whole = file.readAll();
        auto cut = readText(StatementFormat::Camt053, whole.left(whole.size() / 2), QStringLiteral("cut.xml"));
        QVERIFY(!cut);
        QVERIFY2(cut.message().contains(QLatin1String("the XML is broken")), qPrintable(cut.message()));
        QByteArray latin1 = whole;
        latin1.replace("Company Name 1", "Soci\xe9t\xe9 G\xe9n\xe9rale"); // Latin-1 bytes in a UTF-8 file
        auto misencoded = readText(StatementFormat::Camt053, latin1, QStringLiteral("latin1.xml"));
        QVERIFY(!misencoded);
        QVERIFY2(misencoded.message().startsWith(QLatin1String("latin1.xml line ")), qPrintable(misencoded.message()));
    }

    void camtVersion8NamespaceAndNestedStatus()
    {
        // .001.08 puts the status in <Sts><Cd> and the party name under <Pty>; pending entries are skipped.
        const QByteArray xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>S1</Id>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>JPY</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="JPY">1000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-12-31</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="JPY">700</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-01-01</Dt></Dt></Bal>
<Ntry><Amt Ccy="JPY">300</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>2025-01-01T09:00:00+01:00</DtTm></BookgDt>
<NtryDtls><TxDtls><Refs><EndToEndId>INV-2041</EndToEndId></Refs><RltdPties><Cdtr><Pty><Nm>Tokyo &amp; Co</Nm></Pty></Cdtr></RltdPties>
<RmtInf><Ustrd>Invoice</Ustrd><Ustrd>2041</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="JPY">5</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts><BookgDt><Dt>2025-01-01</Dt></BookgDt></Ntry>
</Stmt></BkToCstmrStmt></Document>)";
        auto read = readText(StatementFormat::Camt053, xml, QStringLiteral("v8.xml"));
        QVERIFY2(read, qPrintable(read.message()));
        const Statement s = read.value()[0];
        QCOMPARE(s.lines.size(), 1);
        QCOMPARE(s.lines[0].exponent, 0);
        QCOMPARE(s.lines[0].signedMinor(), -300);
        QCOMPARE(s.lines[0].counterpartyName, QStringLiteral("Tokyo & Co"));
        QCOMPARE(s.lines[0].description, QStringLiteral("Invoice 2041"));
        QCOMPARE(s.lines[0].endToEndId, QStringLiteral("INV-2041"));
        QCOMPARE(s.check(), Statement::Check::Balanced);
        QVERIFY(s.lines[0].identity.startsWith(QLatin1String("sha256:")));
    }

    void camt052ReportAndCamt054NotificationShareTheReader()
    {
        // An intraday report (camt.052 <Rpt>) and a debit/credit notification (camt.054 <Ntfctn>,
        // no balances) carry the entries of a statement; other namespaces and versions than
        // camt.053's, found by local name.
        const QByteArray report = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.06"><BkToCstmrAcctRpt><Rpt><Id>R1</Id>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-03</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">125.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-03</Dt></Dt></Bal>
<Ntry><NtryRef>B1</NtryRef><Amt Ccy="EUR">25.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2025-03-03</Dt></BookgDt>
<NtryDtls><TxDtls><Refs><EndToEndId>INV-7</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
</Rpt></BkToCstmrAcctRpt></Document>)";
        QCOMPARE(StatementReader::detect(report), StatementFormat::Camt053);
        auto read = readText(StatementFormat::Camt053, report, QStringLiteral("report.xml"));
        QVERIFY2(read, qPrintable(read.message()));
        QCOMPARE(read->size(), 1);
        QCOMPARE(read->at(0).account, QStringLiteral("DE89370400440532013000"));
        QCOMPARE(read->at(0).lines.size(), 1);
        QCOMPARE(read->at(0).lines[0].signedMinor(), 2550);
        QCOMPARE(read->at(0).lines[0].endToEndId, QStringLiteral("INV-7"));
        QCOMPARE(read->at(0).check(), Statement::Check::Balanced);

        const QByteArray notification = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04"><BkToCstmrDbtCdtNtfctn><Ntfctn><Id>N1</Id>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">9.99</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-03-04</Dt></BookgDt>
<AcctSvcrRef>BANK-REF-1</AcctSvcrRef></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>)";
        QCOMPARE(StatementReader::detect(notification), StatementFormat::Camt053);
        read = readText(StatementFormat::Camt053, notification, QStringLiteral("notification.xml"));
        QVERIFY2(read, qPrintable(read.message()));
        QCOMPARE(read->at(0).lines.size(), 1);
        QCOMPARE(read->at(0).lines[0].signedMinor(), -999);
        QVERIFY(!read->at(0).opening);
        QVERIFY(read->at(0).check() != Statement::Check::Balanced); // no balances to check
    }

    void mt940BalancedFiles()
    {
        const QList<Statement> cmxl = readOk(QStringLiteral("mt940/cmxl-mt940.sta"));
        QCOMPARE(cmxl.size(), 3);
        for (const Statement &s : cmxl)
            QCOMPARE(s.check(), Statement::Check::Balanced);
        QCOMPARE(cmxl[0].currency, QStringLiteral("DEM"));
        QCOMPARE(cmxl[0].lines[0].signedMinor(), -680000); // "6800," is 6800.00
        const QList<Statement> generic = readOk(QStringLiteral("mt940/jejik-generic.sta"));
        QCOMPARE(generic.size(), 2);
        QCOMPARE(generic[0].opening->minor, 10000);
        QCOMPARE(generic[1].closing->minor, 8000);
        QCOMPARE(generic[1].check(), Statement::Check::Balanced);
    }

    void mt940UnbalancedIsReportedNotHidden()
    {
        const QList<Statement> abn = readOk(QStringLiteral("mt940/jejik-abnamro.sta"));
        QVERIFY(!abn.isEmpty());
        QCOMPARE(abn[0].account, QStringLiteral("517852257"));
        QCOMPARE(abn[0].check(), Statement::Check::Unbalanced);
        // The multi-line :86: is one description; the entry date is read with the value date's year.
        QVERIFY(abn[0].lines[0].description.contains(QLatin1String("INCL. 1,44 BTW")));
        QCOMPARE(abn[0].lines[0].bookingDate, QDate(2011, 5, 24));
    }

    void mt940Dialects()
    {
        // Rabobank: the other account on the :61:'s second line, slash-coded :86:.
        const QList<Statement> rabo = readOk(QStringLiteral("mt940/jejik-rabobank-iban.sta"));
        QCOMPARE(rabo.size(), 2);
        QCOMPARE(rabo[0].check(), Statement::Check::Balanced);
        QCOMPARE(rabo[0].lines[0].counterpartyAccount, QStringLiteral("NL70ABNA0987654321"));
        QCOMPARE(rabo[0].lines[1].counterpartyName, QStringLiteral("JOHN DOE"));
        QCOMPARE(rabo[0].lines[1].description, QStringLiteral("Reference 201301234"));
        // German structured :86: with SEPA keywords, subfields broken mid-word over lines.
        const QByteArray german = ":20:STARTUMS\n:25:10020030/1234567\n:28C:5/1\n:60F:C021101EUR2187,95\n"
                                  ":61:0211011102DR800,NSTONONREF//55555\n"
                                  ":86:008?00DAUERAUFTRAG?100599?20EREF+E2E-77 SVWZ+Miete Nov?21ember?3010020030"
                                  "?31DE02100100109307118603?32MUEL\nLER?34339\n"
                                  ":62F:C021101EUR1387,95\n-\n";
        auto read = readText(StatementFormat::Mt940, german, QStringLiteral("german.sta"));
        QVERIFY2(read, qPrintable(read.message()));
        const StatementLine line = read.value()[0].lines[0];
        QCOMPARE(line.endToEndId, QStringLiteral("E2E-77"));
        QCOMPARE(line.description, QStringLiteral("Miete November"));
        QCOMPARE(line.counterpartyName, QStringLiteral("MUELLER"));
        QCOMPARE(line.counterpartyAccount, QStringLiteral("DE02100100109307118603"));
        QCOMPARE(line.references, QStringList { QStringLiteral("55555") });
        QCOMPARE(read.value()[0].check(), Statement::Check::Balanced);
    }

    void mt940EntryDateAcrossTheYearEnd()
    {
        const QByteArray sta = ":20:YEAREND\n:25:ACC\n:28C:1\n:60F:C241231EUR100,00\n"
                               ":61:2412310102C5,00NTRFREF1\n:61:2501011231D1,00NTRFREF2\n:62F:C250102EUR104,00\n";
        auto read = readText(StatementFormat::Mt940, sta, QStringLiteral("yearend.sta"));
        QVERIFY2(read, qPrintable(read.message()));
        QCOMPARE(read.value()[0].lines[0].bookingDate, QDate(2025, 1, 2));
        QCOMPARE(read.value()[0].lines[1].bookingDate, QDate(2024, 12, 31));
    }

    void mt940BrokenFilesNameTheLine_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("what");
        QTest::newRow("account among the entries") << QStringLiteral("mt940/betterplace-sepa_snippet_broken.sta")
                                                   << QStringLiteral("line 6:") << QStringLiteral(":25:");
        QTest::newRow("dangling subfield mark") << QStringLiteral("mt940/self-provided-malformed_details.sta")
                                                << QStringLiteral("line 6:") << QStringLiteral("'?'");
    }

    void mt940BrokenFilesNameTheLine()
    {
        QFETCH(QString, file);
        QFETCH(QString, where);
        QFETCH(QString, what);
        auto read = StatementReader::readFile(fixture(file));
        QVERIFY(!read);
        QVERIFY2(read.message().contains(where) && read.message().contains(what), qPrintable(read.message()));
        QVERIFY(read.message().startsWith(file.section(QLatin1Char('/'), 1)));
    }

    void mt940MissingClosingBalance()
    {
        auto read = readText(StatementFormat::Mt940, ":20:A\n:25:ACC\n:60F:C240101EUR1,00\n:61:240101C1,00NTRFX\n",
            QStringLiteral("short.sta"));
        QVERIFY(!read);
        QVERIFY2(read.message().contains(QLatin1String(":62F:")), qPrintable(read.message()));
        auto binary = readText(StatementFormat::Mt940, QByteArray(":20:A\n\0\0\x01", 9), QStringLiteral("bin.sta"));
        QVERIFY(!binary);
        QVERIFY2(binary.message().contains(QLatin1String("not a text file")), qPrintable(binary.message()));
    }

    void ofxSgml()
    {
        const QList<Statement> s = readOk(QStringLiteral("ofx/bank_medium.ofx"));
        QCOMPARE(s.size(), 1);
        QCOMPARE(s[0].currency, QStringLiteral("CAD"));
        QCOMPARE(s[0].account, QStringLiteral("12300 000012345678"));
        QCOMPARE(s[0].lines.size(), 3);
        QCOMPARE(s[0].lines[0].signedMinor(), -660);
        QCOMPARE(s[0].lines[0].bookingDate, QDate(2009, 4, 1));
        QCOMPARE(s[0].lines[0].counterpartyName, QStringLiteral("MCDONALD'S #112"));
        QCOMPARE(s[0].lines[1].signedMinor(), -31667);
        QCOMPARE(s[0].closing->minor, 38234);
        QVERIFY(!s[0].opening);
        QCOMPARE(s[0].check(), Statement::Check::Unknown); // OFX carries no opening balance
        QCOMPARE(s[0].lines[0].identity,
            QStringLiteral("bank:12300 000012345678:0000123456782009040100001")); // FITID
        QVERIFY(!readOk(QStringLiteral("ofx/checking.ofx")).isEmpty());
    }

    void ofxXmlWithSeveralAccounts()
    {
        const QByteArray xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR</CURDEF><BANKACCTFROM><BANKID>1</BANKID><ACCTID>A-1</ACCTID></BANKACCTFROM>
<BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20250105</DTPOSTED><TRNAMT>12.50</TRNAMT><FITID>F1</FITID><NAME>Caf&amp;eacute; Ltd</NAME></STMTTRN></BANKTRANLIST>
<LEDGERBAL><BALAMT>100.00</BALAMT><DTASOF>20250105</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1>
<CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>USD</CURDEF><CCACCTFROM><ACCTID>4111</ACCTID></CCACCTFROM>
<BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20250106120000</DTPOSTED><TRNAMT>-3.99</TRNAMT><FITID>C1</FITID><MEMO>App</MEMO></STMTTRN></BANKTRANLIST>
</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>)";
        auto read = readText(StatementFormat::Ofx, xml, QStringLiteral("two.ofx"));
        QVERIFY2(read, qPrintable(read.message()));
        QCOMPARE(read->size(), 2);
        QCOMPARE(read.value()[0].lines[0].signedMinor(), 1250);
        QCOMPARE(read.value()[0].closing->minor, 10000);
        QCOMPARE(read.value()[1].account, QStringLiteral("4111"));
        QCOMPARE(read.value()[1].lines[0].signedMinor(), -399);
        QCOMPARE(read.value()[1].lines[0].description, QStringLiteral("App"));
    }

    void ofxStreams()
    {
        // Each transaction reaches the sink as it is read: the first while most of the file is
        // still unread, so a large OFX is never held whole.
        QByteArray sgml = "OFXHEADER:100\nDATA:OFXSGML\nENCODING:USASCII\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
                          "<CURDEF>EUR<BANKACCTFROM><ACCTID>A-9</BANKACCTFROM><BANKTRANLIST><DTEND>20250131\n";
        for (int i = 0; i < 20000; ++i)
            sgml += "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250110<TRNAMT>-1.25<FITID>T" + QByteArray::number(i)
                + "<NAME>Shop</STMTTRN>\n";
        sgml += "</BANKTRANLIST><LEDGERBAL><BALAMT>75.00<DTASOF>20250131</LEDGERBAL></STMTRS></STMTTRNRS>"
                "</BANKMSGSRSV1></OFX>\n";
        QBuffer in(&sgml);
        QVERIFY(in.open(QIODevice::ReadOnly));
        struct Sink : StatementSink
        {
            QIODevice *device = nullptr;
            qint64 readAtFirstLine = -1;
            int lines = 0;
            std::optional<StatementBalance> closing;
            QString account;
            Status begin(const Statement &header) override
            {
                account = header.account;
                return success();
            }
            Status line(StatementLine &) override
            {
                if (lines++ == 0)
                    readAtFirstLine = device->pos();
                return success();
            }
            Status end(const Statement &statement) override
            {
                closing = statement.closing;
                return success();
            }
        } sink;
        sink.device = &in;
        QVERIFY(StatementReader::read(StatementFormat::Ofx, in, QStringLiteral("big.ofx"), sink));
        QCOMPARE(sink.lines, 20000);
        QCOMPARE(sink.account, QStringLiteral("A-9"));
        QCOMPARE(sink.closing->minor, 7500);
        QVERIFY2(sink.readAtFirstLine < sgml.size() / 100, qPrintable(QString::number(sink.readAtFirstLine)));
    }

    void ofxWithoutDatePostedIsRefused()
    {
        auto read = StatementReader::readFile(fixture(QStringLiteral("ofx/fail_nice-date_missing.ofx")));
        QVERIFY(!read);
        QVERIFY2(
            read.message().startsWith(QLatin1String("fail_nice-date_missing.ofx line ")), qPrintable(read.message()));
        QVERIFY(read.message().contains(QLatin1String("DTPOSTED")));
    }

    void ofxNotWhatItClaims()
    {
        QByteArray sgml
            = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:UTF-8\nCHARSET:NONE\n\n<OFX><BANKMSGSRSV1>"
              "<STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>1</BANKACCTFROM><BANKTRANLIST><STMTTRN>"
              "<DTPOSTED>20250101<TRNAMT>1.00<FITID>X<NAME>Soci\xe9t\xe9</STMTTRN></BANKTRANLIST></STMTRS>"
              "</STMTTRNRS></BANKMSGSRSV1></OFX>\n";
        auto read = readText(StatementFormat::Ofx, sgml, QStringLiteral("claims.ofx"));
        QVERIFY(!read);
        QVERIFY2(read.message().contains(QLatin1String("not UTF-8")), qPrintable(read.message()));
        auto cut = readText(
            StatementFormat::Ofx, sgml.left(sgml.indexOf("</STMTRS>")).replace("\xe9", "e"), QStringLiteral("cut.ofx"));
        QVERIFY(!cut);
        QVERIFY2(cut.message().contains(QLatin1String("cut short")), qPrintable(cut.message()));
    }

    void identitiesAreStableAndKeepTwins()
    {
        const QByteArray sta = ":20:T\n:25:ACC\n:28C:1\n:60F:C240101EUR10,00\n:61:240101D2,50NMSCNONREF\n:86:COFFEE\n"
                               ":61:240101D2,50NMSCNONREF\n:86:COFFEE\n:62F:C240101EUR5,00\n";
        auto first = readText(StatementFormat::Mt940, sta, QStringLiteral("a.sta"));
        auto again = readText(StatementFormat::Mt940, sta, QStringLiteral("b.sta"));
        QVERIFY(first && again);
        const QList<StatementLine> a = first.value()[0].lines;
        QCOMPARE(a.size(), 2);
        QVERIFY(a[0].identity != a[1].identity); // two equal coffees stay two
        QCOMPARE(again.value()[0].lines[0].identity, a[0].identity);
        QCOMPARE(again.value()[0].lines[1].identity, a[1].identity);
    }
};

QTEST_GUILESS_MAIN(TestStatementReaders)
#include "tst_statementreaders.moc"
