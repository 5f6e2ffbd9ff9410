#pragma once

#include "reconciliation/ReconItem.h"

#include <QByteArrayView>

#include <memory>

struct ReconSideData;

// A row as UTF-8 text, for a reader that has the bytes already (a file read in place): appending
// it makes no QString.
struct ReconItemUtf8
{
    qint64 id = 0;
    QByteArrayView reference;
    qint64 amountMinor = 0;
    qint64 feeMinor = 0;
    QByteArrayView currency;
    int day = 0;
    QByteArrayView groupId;
    QByteArrayView description;
};

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
    void append(const ReconItemUtf8 &item, const QList<QByteArray> &otherRefs = {});
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
