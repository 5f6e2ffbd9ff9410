#pragma once

#include <QLabel>

class CircuitBreakerReader;

// A warning line for each provider whose circuit breaker is open or half-open: operations to it
// wait, and its failures stop growing for a reason that is not theirs. Hidden while every breaker
// is closed, and without a reader.
class CircuitBreakerBanner : public QLabel
{
    Q_OBJECT
public:
    explicit CircuitBreakerBanner(QWidget *parent = nullptr);

    void setReader(const CircuitBreakerReader *reader);
    void refresh();

private:
    const CircuitBreakerReader *m_reader = nullptr;
};
