#pragma once

#include <QLabel>

class QTimer;
class QToolButton;

// The line above a workspace's table that says what the last action did. Success fades after a
// few seconds; an error stays until it is dismissed (the × button) or replaced.
class MessageBanner : public QLabel
{
    Q_OBJECT
public:
    explicit MessageBanner(QWidget *parent = nullptr);
    void showMessage(const QString &text, bool error);
    void dismiss();
    bool isError() const { return m_error; }

    // How long a success stays, for every banner; tests make it short.
    static int successTimeoutMs();
    static void setSuccessTimeoutMs(int ms);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void restyle();

    QTimer *m_fade;
    QToolButton *m_close;
    bool m_error = false;
};
