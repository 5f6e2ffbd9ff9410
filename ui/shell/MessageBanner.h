#pragma once

#include <QLabel>

// The line above a workspace's table that says what the last action did, green or red.
class MessageBanner : public QLabel
{
    Q_OBJECT
public:
    explicit MessageBanner(QWidget *parent = nullptr);
    void showMessage(const QString &text, bool error);
};
