#pragma once

#include "records/RecordDiff.h"

#include <QDialog>

class AccessPolicy;
class Database;
class MessageBanner;
class QComboBox;
class QTableWidget;

// Admins edit which provider path each of our fields maps to and which system owns it. Saving
// asks for a reason; the store checks the map and audits it whole, before and after.
class FieldMapDialog : public QDialog
{
    Q_OBJECT
public:
    enum Column { Field, OurField, ProviderPath, Owner, ColumnCount };

    FieldMapDialog(const Database &db, const AccessPolicy &access, QWidget *parent = nullptr);

    void showType(const QString &entityType);
    FieldMap editedMap() const;
    bool save(); // false with the reason on the banner
    void restoreDefaults();
    QTableWidget *table() const { return m_table; }

private:
    void fill(const FieldMap &map);

    const Database &m_db;
    const AccessPolicy &m_access;
    QComboBox *m_type;
    QTableWidget *m_table;
    MessageBanner *m_message;
};
