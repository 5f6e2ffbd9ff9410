#include "shell/EmptyState.h"

#include <QAbstractItemView>
#include <QEvent>

EmptyState::EmptyState(QAbstractItemView *view, Message message, OnLink onLink)
    : QLabel(view->viewport())
    , m_view(view)
    , m_message(std::move(message))
{
    setObjectName(view->objectName() + QStringLiteral("EmptyState"));
    setAlignment(Qt::AlignCenter);
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextBrowserInteraction);
    setMargin(24);
    setForegroundRole(QPalette::PlaceholderText);
    if (onLink)
        connect(this, &QLabel::linkActivated, this, std::move(onLink));
    view->viewport()->installEventFilter(this);
    QAbstractItemModel *model = view->model();
    connect(model, &QAbstractItemModel::modelReset, this, &EmptyState::refreshText);
    connect(model, &QAbstractItemModel::layoutChanged, this, &EmptyState::refreshText);
    connect(model, &QAbstractItemModel::rowsInserted, this, &EmptyState::refreshText);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &EmptyState::refreshText);
    refreshText();
}

void EmptyState::refreshText()
{
    const QString text = m_view->model()->rowCount() == 0 ? m_message() : QString();
    setText(text);
    setGeometry(m_view->viewport()->rect());
    setVisible(!text.isEmpty());
}

bool EmptyState::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Resize)
        setGeometry(m_view->viewport()->rect());
    return QLabel::eventFilter(watched, event);
}
