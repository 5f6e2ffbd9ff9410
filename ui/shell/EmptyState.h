#pragma once

#include <QLabel>

#include <functional>

class QAbstractItemView;

// A centred message over an empty table that says what to do next. `message` returns the rich
// text for the current situation, empty while there is nothing to say (still loading, or rows);
// links in it call `onLink` with their href.
class EmptyState : public QLabel
{
    Q_OBJECT
public:
    using Message = std::function<QString()>;
    using OnLink = std::function<void(const QString &href)>;

    EmptyState(QAbstractItemView *view, Message message, OnLink onLink = {});
    void refreshText();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QAbstractItemView *m_view;
    Message m_message;
};
