#pragma once

#include <QStyledItemDelegate>

#include <functional>

// How a row asks to be seen, in one set of tones for the whole console (shell/Tints, derived from
// the palette): what needs a person red,
// an unknown outcome orange, what waits amber, anomalies amber on cream, what is over grey.
struct RowTint
{
    enum Kind
    {
        None,
        Urgent,
        Unknown,
        Waiting,
        Anomaly,
        Muted
    };
    Kind kind = None;
    bool bold = false;
};

// Tints each cell as `tintOf` says, so workspaces decide what stands out and not how it looks.
class RowTintDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using TintOf = std::function<RowTint(const QModelIndex &)>;

    RowTintDelegate(TintOf tintOf, QObject *parent = nullptr);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    TintOf m_tintOf;
};
