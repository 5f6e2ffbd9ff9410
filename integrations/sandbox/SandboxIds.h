#pragma once

#include <QDateTime>
#include <QString>

// Stripe-like object ids (`pi_…`, `ch_…`, `re_…`, `evt_…`), from one counter for every kind,
// so no two objects of one sandbox share an id.
class SandboxIds
{
public:
    QString next(const QString &prefix)
    {
        return QStringLiteral("%1_%2%3")
            .arg(prefix)
            .arg(QDateTime::currentMSecsSinceEpoch() % 100000000, 0, 36)
            .arg(m_next++, 6, 36, QLatin1Char('0'));
    }

private:
    quint64 m_next = 1;
};
