#include "shell/MessageBanner.h"

#include "shell/Tints.h"

#include <QTimer>
#include <QToolButton>

namespace {
int g_successTimeoutMs = 6000;
}

int MessageBanner::successTimeoutMs()
{
    return g_successTimeoutMs;
}

void MessageBanner::setSuccessTimeoutMs(int ms)
{
    g_successTimeoutMs = ms;
}

MessageBanner::MessageBanner(QWidget *parent)
    : QLabel(parent)
    , m_fade(new QTimer(this))
    , m_close(new QToolButton(this))
{
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fade->setSingleShot(true);
    connect(m_fade, &QTimer::timeout, this, &MessageBanner::dismiss);
    m_close->setObjectName(QStringLiteral("dismissButton"));
    m_close->setText(QStringLiteral("×"));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss message"));
    connect(m_close, &QToolButton::clicked, this, &MessageBanner::dismiss);
    hide();
}

void MessageBanner::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    // Top right, inside the padding the style sheet keeps free for it; no layout, so the label
    // stays as tall as its text.
    const QSize button = m_close->sizeHint();
    m_close->setGeometry(width() - button.width() - 4, 3, button.width(), button.height());
}

void MessageBanner::showMessage(const QString &text, bool error)
{
    m_error = error;
    setText(text);
    restyle();
    show();
    if (error)
        m_fade->stop(); // an error waits for the person who has to act on it
    else
        m_fade->start(g_successTimeoutMs);
}

void MessageBanner::dismiss()
{
    m_fade->stop();
    hide();
}

void MessageBanner::restyle()
{
    setStyleSheet(Tints::bannerStyle(m_error ? Tints::Tone::Error : Tints::Tone::Success, palette()));
}
