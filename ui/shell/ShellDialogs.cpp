#include "shell/ShellDialogs.h"

#include "shell/CommandPalette.h"

#include <QAction>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace ShellDialogs {

QString aboutText(const QString &databaseName)
{
    return QObject::tr("<h3>Reconsole %1</h3>"
                       "<p>Retry and resolve failed operations, reconcile records across systems, and manage "
                       "provider credentials.</p>"
                       "<table>"
                       "<tr><td>Built with Qt&nbsp;</td><td>%2</td></tr>"
                       "<tr><td>Running on Qt&nbsp;</td><td>%3</td></tr>"
                       "<tr><td>Connected to&nbsp;</td><td>%4</td></tr>"
                       "<tr><td>Licence&nbsp;</td><td>%5</td></tr>"
                       "</table>")
        .arg(QCoreApplication::applicationVersion().toHtmlEscaped(), QStringLiteral(QT_VERSION_STR),
            QString::fromLatin1(qVersion()), databaseName.toHtmlEscaped(),
            QStringLiteral(RECONSOLE_LICENSE)); // declared once, in the top CMakeLists.txt
}

void about(QWidget *parent, const QString &databaseName)
{
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("aboutDialog"));
    dialog.setWindowTitle(QObject::tr("About Reconsole"));
    auto *text = new QLabel(aboutText(databaseName), &dialog);
    text->setObjectName(QStringLiteral("aboutText"));
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog.setMinimumWidth(460);
    dialog.exec();
}

void shortcuts(QWidget *parent, const QList<ActionGroup> &groups)
{
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("shortcutsDialog"));
    dialog.setWindowTitle(QObject::tr("Keyboard shortcuts"));
    auto *table = new QTableWidget(0, 3, &dialog);
    table->setObjectName(QStringLiteral("shortcutsTable"));
    table->setHorizontalHeaderLabels({ QObject::tr("Where"), QObject::tr("Action"), QObject::tr("Shortcut") });
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setFocusPolicy(Qt::NoFocus);
    table->horizontalHeader()->setStretchLastSection(true);
    for (const ActionGroup &group : groups) {
        for (QAction *a : group.actions) {
            if (!a || a->isSeparator() || a->menu())
                continue;
            const int row = table->rowCount();
            table->insertRow(row);
            table->setItem(row, 0, new QTableWidgetItem(group.title));
            auto *name = new QTableWidgetItem(CommandPalette::plainText(a));
            name->setToolTip(a->toolTip());
            table->setItem(row, 1, name);
            const QString keys = a->shortcut().toString(QKeySequence::NativeText);
            table->setItem(row, 2, new QTableWidgetItem(keys.isEmpty() ? QObject::tr("—") : keys));
        }
    }
    table->resizeColumnsToContents();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(table, 1);
    layout->addWidget(buttons);
    dialog.resize(620, 560);
    dialog.exec();
}

void userGuide(QWidget *parent)
{
    auto *dialog = new QDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("userGuide"));
    dialog->setWindowTitle(QObject::tr("Reconsole user guide"));
    auto *browser = new QTextBrowser(dialog);
    browser->setObjectName(QStringLiteral("guideBrowser"));
    browser->setOpenExternalLinks(true); // web links go to the browser; docs/… resolve inside the resource
    browser->setSearchPaths({ QStringLiteral(":/guide") });
    browser->setSource(QUrl(QStringLiteral("qrc:/guide/README.md")), QTextDocument::MarkdownResource);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(browser, 1);
    layout->addWidget(buttons);
    dialog->resize(860, 700);
    dialog->show();
}

QString openDatabase(QWidget *parent, const QStringList &recent)
{
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("openDatabaseDialog"));
    dialog.setWindowTitle(QObject::tr("Open database"));
    auto *sqlite = new QRadioButton(QObject::tr("SQLite file (solo mode)"), &dialog);
    auto *postgres = new QRadioButton(QObject::tr("PostgreSQL URL (team mode)"), &dialog);
    sqlite->setChecked(true);
    auto *path = new QLineEdit(&dialog);
    path->setObjectName(QStringLiteral("sqlitePath"));
    path->setPlaceholderText(QObject::tr("/path/to/reconsole.sqlite"));
    auto *browse = new QPushButton(QObject::tr("Browse…"), &dialog);
    auto *url = new QLineEdit(&dialog);
    url->setObjectName(QStringLiteral("postgresUrl"));
    url->setPlaceholderText(QStringLiteral("postgresql://user@host:5432/reconsole"));
    url->setEnabled(false);
    auto *hint
        = new QLabel(QObject::tr("Leave the password out of the URL: <code>reconsolectl database password</code> "
                                 "keeps it in the keychain."),
            &dialog);
    hint->setWordWrap(true);
    for (const QString &r : recent) {
        if (r.startsWith(QLatin1String("postgres")) && url->text().isEmpty())
            url->setText(r);
    }
    QObject::connect(postgres, &QRadioButton::toggled, url, &QLineEdit::setEnabled);
    QObject::connect(sqlite, &QRadioButton::toggled, path, &QLineEdit::setEnabled);
    QObject::connect(sqlite, &QRadioButton::toggled, browse, &QPushButton::setEnabled);
    QObject::connect(browse, &QPushButton::clicked, &dialog, [&] {
        const QString chosen = QFileDialog::getOpenFileName(&dialog, QObject::tr("Open an SQLite database"),
            path->text(), QObject::tr("SQLite databases (*.sqlite *.db);;All files (*)"));
        if (!chosen.isEmpty())
            path->setText(chosen);
    });
    auto *file = new QHBoxLayout;
    file->addWidget(path, 1);
    file->addWidget(browse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(sqlite);
    layout->addLayout(file);
    layout->addWidget(postgres);
    layout->addWidget(url);
    layout->addWidget(hint);
    layout->addWidget(buttons);
    dialog.setMinimumWidth(520);
    if (dialog.exec() != QDialog::Accepted)
        return {};
    return (sqlite->isChecked() ? path->text() : url->text()).trimmed();
}
} // namespace ShellDialogs
