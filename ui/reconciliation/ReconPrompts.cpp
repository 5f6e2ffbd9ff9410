#include "reconciliation/ReconPrompts.h"

#include "core/Money.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
ReconPrompts::TestHooks &hooks()
{
    static ReconPrompts::TestHooks h;
    return h;
}

std::optional<qint64> amountOf(const QString &text, const QString &currency)
{
    QString plain = text.trimmed();
    plain.remove(QLatin1Char(' '));
    plain.replace(QChar(0x2212), QLatin1Char('-'));
    plain.remove(QLatin1Char(',')); // thousands, as finance types them
    return Money::parseMajor(plain, Money::exponent(currency));
}

// A dialog of a form and OK/Cancel; OK is enabled while `valid` says so.
struct FormDialog
{
    explicit FormDialog(QWidget *parent, const QString &title, const QString &intro)
        : dialog(parent)
        , form(new QFormLayout)
        , buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog))
    {
        dialog.setWindowTitle(title);
        auto *layout = new QVBoxLayout(&dialog);
        if (!intro.isEmpty()) {
            auto *label = new QLabel(intro, &dialog);
            label->setWordWrap(true);
            layout->addWidget(label);
        }
        layout->addLayout(form);
        layout->addWidget(buttons);
        QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    }
    void validate(const std::function<bool()> &valid) { buttons->button(QDialogButtonBox::Ok)->setEnabled(valid()); }
    bool exec()
    {
        dialog.resize(qMax(480, dialog.sizeHint().width()), dialog.sizeHint().height());
        return dialog.exec() == QDialog::Accepted;
    }

    QDialog dialog;
    QFormLayout *form;
    QDialogButtonBox *buttons;
};

QPlainTextEdit *reasonField(QWidget *parent)
{
    auto *reason = new QPlainTextEdit(parent);
    reason->setObjectName(QStringLiteral("reasonText"));
    reason->setPlaceholderText(QObject::tr("For the audit log: what happened, and where it is documented"));
    reason->setFixedHeight(reason->fontMetrics().height() * 4);
    return reason;
}
} // namespace

namespace ReconPrompts {

void setTestHooks(TestHooks h)
{
    hooks() = std::move(h);
}

std::optional<PeriodRequest> openPeriod(
    QWidget *parent, const QList<AccountCurrency> &accounts, const PeriodRequest &suggested)
{
    if (hooks().openPeriod)
        return hooks().openPeriod(suggested);
    FormDialog f(parent, QObject::tr("Open a reconciliation period"),
        QObject::tr("A period follows the account's last one without a gap or an overlap. Its balances come from the "
                    "statement, or the previous period's closing balance, unless you type them."));
    auto *account = new QComboBox(&f.dialog);
    account->setObjectName(QStringLiteral("periodAccount"));
    account->setEditable(true);
    for (const AccountCurrency &a : accounts)
        account->addItem(a.account, a.currency);
    account->setCurrentText(suggested.account);
    auto *currency = new QLineEdit(suggested.currency, &f.dialog);
    currency->setObjectName(QStringLiteral("periodCurrency"));
    currency->setMaxLength(3);
    QObject::connect(account, &QComboBox::currentIndexChanged, currency,
        [account, currency](int i) { currency->setText(account->itemData(i).toString()); });
    auto *from = new QDateEdit(suggested.from, &f.dialog);
    auto *to = new QDateEdit(suggested.to, &f.dialog);
    for (QDateEdit *d : { from, to }) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    auto *typed = new QCheckBox(QObject::tr("Type the balances instead"), &f.dialog);
    auto *opening = new QLineEdit(&f.dialog);
    auto *closing = new QLineEdit(&f.dialog);
    opening->setPlaceholderText(QObject::tr("Opening balance, e.g. 12,500.00"));
    closing->setPlaceholderText(QObject::tr("Closing balance"));
    f.form->addRow(QObject::tr("Account"), account);
    f.form->addRow(QObject::tr("Currency"), currency);
    f.form->addRow(QObject::tr("From"), from);
    f.form->addRow(QObject::tr("To"), to);
    f.form->addRow(QString(), typed);
    f.form->addRow(QObject::tr("Opening"), opening);
    f.form->addRow(QObject::tr("Closing"), closing);
    auto valid = [=] {
        opening->setEnabled(typed->isChecked());
        closing->setEnabled(typed->isChecked());
        const bool balances = !typed->isChecked()
            || (amountOf(opening->text(), currency->text()) && amountOf(closing->text(), currency->text()));
        return !account->currentText().trimmed().isEmpty() && currency->text().trimmed().size() == 3
            && from->date() <= to->date() && balances;
    };
    for (QLineEdit *e : { currency, opening, closing })
        QObject::connect(e, &QLineEdit::textChanged, &f.dialog, [&f, valid] { f.validate(valid); });
    QObject::connect(account, &QComboBox::currentTextChanged, &f.dialog, [&f, valid] { f.validate(valid); });
    QObject::connect(typed, &QCheckBox::toggled, &f.dialog, [&f, valid] { f.validate(valid); });
    QObject::connect(from, &QDateEdit::dateChanged, &f.dialog, [&f, valid] { f.validate(valid); });
    QObject::connect(to, &QDateEdit::dateChanged, &f.dialog, [&f, valid] { f.validate(valid); });
    f.validate(valid);
    if (!f.exec())
        return std::nullopt;
    PeriodRequest r { account->currentText().trimmed(), currency->text().trimmed().toUpper(), from->date(), to->date(),
        {}, {} };
    if (typed->isChecked()) {
        r.openingMinor = amountOf(opening->text(), r.currency);
        r.closingMinor = amountOf(closing->text(), r.currency);
    }
    return r;
}

std::optional<AdjustmentAnswer> adjustment(QWidget *parent, const QString &difference)
{
    if (hooks().adjustment)
        return hooks().adjustment(difference);
    FormDialog f(parent, QObject::tr("Book the difference"),
        QObject::tr("The selected rows differ by %1. Matched anyway, the difference is booked as an adjustment; above "
                    "the account's threshold a second finance user approves it.")
            .arg(difference));
    auto *kind = new QComboBox(&f.dialog);
    kind->setObjectName(QStringLiteral("adjustmentKind"));
    kind->addItem(QObject::tr("Fee (bank or provider charge)"), static_cast<int>(Adjustment::Kind::Fee));
    kind->addItem(QObject::tr("FX (exchange difference)"), static_cast<int>(Adjustment::Kind::Fx));
    kind->addItem(QObject::tr("Rounding"), static_cast<int>(Adjustment::Kind::Rounding));
    QPlainTextEdit *reason = reasonField(&f.dialog);
    f.form->addRow(QObject::tr("Kind"), kind);
    f.form->addRow(QObject::tr("Reason"), reason);
    auto valid = [reason] { return !reason->toPlainText().trimmed().isEmpty(); };
    QObject::connect(reason, &QPlainTextEdit::textChanged, &f.dialog, [&f, valid] { f.validate(valid); });
    f.validate(valid);
    if (!f.exec())
        return std::nullopt;
    return AdjustmentAnswer { static_cast<Adjustment::Kind>(kind->currentData().toInt()),
        reason->toPlainText().trimmed() };
}

std::optional<SplitAnswer> split(QWidget *parent, const ReconRow &line)
{
    if (hooks().split)
        return hooks().split(line);
    const QString total = Money::formatIn(line.amountMinor, line.currency) + QLatin1Char(' ') + line.currency;
    FormDialog f(parent, QObject::tr("Split statement line"),
        QObject::tr("Split %1 (%2) into parts that sum to it, one per line; each part is then matched on its own.")
            .arg(total, line.reference));
    auto *parts = new QPlainTextEdit(&f.dialog);
    parts->setObjectName(QStringLiteral("splitParts"));
    parts->setPlaceholderText(QObject::tr("e.g.\n100.00\n20.50"));
    parts->setFixedHeight(parts->fontMetrics().height() * 6);
    auto *sum = new QLabel(&f.dialog);
    QPlainTextEdit *reason = reasonField(&f.dialog);
    f.form->addRow(QObject::tr("Parts"), parts);
    f.form->addRow(QString(), sum);
    f.form->addRow(QObject::tr("Reason"), reason);
    auto read = [parts, line]() -> std::optional<QList<qint64>> {
        QList<qint64> out;
        for (const QString &p : parts->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const auto minor = amountOf(p, line.currency);
            if (!minor)
                return std::nullopt;
            out << *minor;
        }
        return out;
    };
    auto valid = [=] {
        const auto minors = read();
        qint64 s = 0;
        for (qint64 m : minors.value_or(QList<qint64> {}))
            s += m;
        const qint64 left = line.amountMinor - s;
        sum->setText(!minors ? QObject::tr("A part is not an amount.")
                             : QObject::tr("Left to assign: %1").arg(Money::formatIn(left, line.currency)));
        return minors && minors->size() >= 2 && left == 0 && !reason->toPlainText().trimmed().isEmpty();
    };
    QObject::connect(parts, &QPlainTextEdit::textChanged, &f.dialog, [&f, valid] { f.validate(valid); });
    QObject::connect(reason, &QPlainTextEdit::textChanged, &f.dialog, [&f, valid] { f.validate(valid); });
    f.validate(valid);
    if (!f.exec())
        return std::nullopt;
    return SplitAnswer { read().value_or(QList<qint64> {}), reason->toPlainText().trimmed() };
}

std::optional<BalancesAnswer> balances(QWidget *parent, const ReconciliationPeriod &period)
{
    if (hooks().balances)
        return hooks().balances(period);
    FormDialog f(parent, QObject::tr("Correct balances"),
        QObject::tr("The opening and closing balances of %1. The opening must be the previous period's closing "
                    "balance.")
            .arg(period.label()));
    auto *opening = new QLineEdit(Money::formatIn(period.openingMinor, period.currency), &f.dialog);
    auto *closing = new QLineEdit(Money::formatIn(period.closingMinor, period.currency), &f.dialog);
    opening->setObjectName(QStringLiteral("openingBalance"));
    closing->setObjectName(QStringLiteral("closingBalance"));
    QPlainTextEdit *reason = reasonField(&f.dialog);
    f.form->addRow(QObject::tr("Opening (%1)").arg(period.currency), opening);
    f.form->addRow(QObject::tr("Closing (%1)").arg(period.currency), closing);
    f.form->addRow(QObject::tr("Reason"), reason);
    auto valid = [=] {
        return amountOf(opening->text(), period.currency) && amountOf(closing->text(), period.currency)
            && !reason->toPlainText().trimmed().isEmpty();
    };
    for (QLineEdit *e : { opening, closing })
        QObject::connect(e, &QLineEdit::textChanged, &f.dialog, [&f, valid] { f.validate(valid); });
    QObject::connect(reason, &QPlainTextEdit::textChanged, &f.dialog, [&f, valid] { f.validate(valid); });
    f.validate(valid);
    if (!f.exec())
        return std::nullopt;
    return BalancesAnswer { *amountOf(opening->text(), period.currency), *amountOf(closing->text(), period.currency),
        reason->toPlainText().trimmed() };
}

std::optional<double> minimumScore(QWidget *parent, double suggested)
{
    if (hooks().minimumScore)
        return hooks().minimumScore();
    FormDialog f(parent, QObject::tr("Confirm all above score"),
        QObject::tr("Every suggestion of the period with at least this score is confirmed. You see how many before "
                    "anything is confirmed."));
    auto *score = new QDoubleSpinBox(&f.dialog);
    score->setObjectName(QStringLiteral("minimumScore"));
    score->setRange(0.0, 1.0);
    score->setSingleStep(0.05);
    score->setDecimals(2);
    score->setValue(suggested);
    f.form->addRow(QObject::tr("Lowest score"), score);
    if (!f.exec())
        return std::nullopt;
    return score->value();
}

} // namespace ReconPrompts
