#pragma once

#include "records/RecordDiff.h"

#include <QDialog>

class MessageBanner;
class QComboBox;
class QTableWidget;
class RecordService;

// Admins edit which provider path each of our fields maps to and which system owns it. Saving
// asks for a reason; the service checks the map and audits it whole, before and after.
class FieldMapDialog : public QDialog
{
    Q_OBJECT
public:
    enum Column
    {
        Field,
        OurField,
        ProviderPath,
        Owner,
        ColumnCount
    };

    explicit FieldMapDialog(RecordService &records, QWidget *parent = nullptr);

    void showType(const QString &entityType);
    FieldMap editedMap() const;
    bool save(); // false with the reason on the banner
    void restoreDefaults();
    QTableWidget *table() const { return m_table; }

private:
    void fill(const FieldMap &map);

    RecordService &m_records;
    QComboBox *m_type;
    QTableWidget *m_table;
    MessageBanner *m_message;
};
