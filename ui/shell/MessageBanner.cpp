#include "shell/MessageBanner.h"

MessageBanner::MessageBanner(QWidget *parent)
    : QLabel(parent)
{
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    hide();
}

void MessageBanner::showMessage(const QString &text, bool error)
{
    setText(text);
    setStyleSheet(error ? QStringLiteral("QLabel { background: #fdecea; color: #8a1c13; padding: 6px; "
                                         "border: 1px solid #f5c2bd; border-radius: 3px; }")
                        : QStringLiteral("QLabel { background: #e8f5e9; color: #1b5e20; padding: 6px; "
                                         "border: 1px solid #b9dfbb; border-radius: 3px; }"));
    show();
}
