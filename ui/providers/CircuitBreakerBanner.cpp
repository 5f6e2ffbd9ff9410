#include "providers/CircuitBreakerBanner.h"

#include "providers/CircuitBreakerReader.h"
#include "shell/Tints.h"

#include <QStringList>

CircuitBreakerBanner::CircuitBreakerBanner(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("circuitBreakerBanner"));
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setStyleSheet(Tints::bannerStyle(Tints::Tone::Warning, palette()));
    hide();
}

void CircuitBreakerBanner::setReader(const CircuitBreakerReader *reader)
{
    m_reader = reader;
    refresh();
}

void CircuitBreakerBanner::refresh()
{
    if (!m_reader) {
        hide();
        return;
    }
    auto tripped = m_reader->tripped();
    if (!tripped) {
        // Unknown is not "all closed": say so where the warning would be.
        setText(tr("⚠ The circuit breakers could not be read: %1").arg(tripped.message()));
        setToolTip({});
        show();
        return;
    }
    QStringList lines;
    QStringList notes;
    for (const CircuitBreakerReader::Breaker &b : tripped.value()) {
        lines << b.warning();
        notes << tr("%1: %2").arg(b.providerId, b.note);
    }
    setText(lines.join(QLatin1Char('\n')));
    setToolTip(notes.join(QLatin1Char('\n'))); // what tripped it, as the agent recorded it
    setVisible(!lines.isEmpty());
}
