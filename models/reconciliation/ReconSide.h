#pragma once

#include "reconciliation/ReconItem.h"

#include <memory>

struct ReconSideData;

// One side's rows, kept compact for millions of them: numbers in columns, references and
// descriptions in one UTF-8 pool each, currencies interned. References (and group ids) are
// kept trimmed and in upper case, since the matcher compares them that way. Copies share the
// rows until one of them is appended to.
class ReconSide
{
public:
    ReconSide();
    ReconSide(const QList<ReconItem> &items);

    void reserve(qsizetype rows);
    void append(const ReconItem &item);
    qsizetype size() const;
    bool isEmpty() const { return size() == 0; }
    // The row as the matcher holds it (references normalised as above).
    ReconItem at(qsizetype index) const;

    // For the engine (Matcher, ReconResult): the columns themselves.
    const ReconSideData &data() const { return *m_data; }

private:
    void detach();

    std::shared_ptr<ReconSideData> m_data;
};
