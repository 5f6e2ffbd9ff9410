#pragma once

#include "core/Result.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

// How a CSV writes its values, which differs by bank and by country: the delimiter (';' goes
// with a decimal comma), the decimal separator of amounts in major units, and the date format.
struct ImportOptions
{
    QChar delimiter = QLatin1Char(',');
    QChar decimalSeparator = QLatin1Char('.');
    // A QDateTime format ("yyyy-MM-dd", "dd.MM.yyyy", "yyyy-MM-dd HH:mm:ss"), or "unix" for
    // seconds since 1970 (Stripe's `created`); times are UTC and only the date is kept.
    QString dateFormat = QStringLiteral("yyyy-MM-dd");

    QDate date(const QString &value) const; // invalid when the value is not in the format
    QString dateFormatText() const; // "yyyy-MM-dd", or "unix seconds such as 1678043844"
    // What makes the options unusable, in words a person can act on; empty when they are fine.
    QString problem() const;
    bool operator==(const ImportOptions &) const = default;
    // {"delimiter": ";", "decimal_separator": ",", "date_format": "dd.MM.yyyy"}
    QJsonObject toJson() const;
    static ImportOptions fromJson(const QJsonObject &object); // absent keys keep their defaults
    // Parses --option's "key=value" (delimiter, decimal_separator, date_format) into `options`.
    static QString apply(ImportOptions &options, const QString &text);
};

// Which of a file's columns gives each of our fields, saved under a name so the same export is
// imported the same way each time. The target says what the rows become (our customers or
// payments today; statements and ledger entries reuse the same presets), the format how the
// file is read.
struct ImportPreset
{
    QString name;
    QString target; // one of ImportTargets::names(): customers, payments, statements, …
    QString format; // csv, jsonl
    QList<QPair<QString, QString>> mapping; // our field → the file's column (a JSON key for jsonl)
    ImportOptions options;
    bool shipped = false; // one of shippedPresets(), not stored (yet)
    QString updatedBy;
    qint64 updatedAt = 0;

    // The column mapped to `field`; empty when the preset does not say.
    QString column(const QString &field) const;
    // Maps `field` to `column`, replacing what it had; an empty column removes the entry.
    void setColumn(const QString &field, const QString &column);
    // "id=customer_id,email=mail", as --map takes it and `presets list` shows it.
    QString mappingText() const;
    // Parses --map's text; a pair that is not field=column is refused, naming it.
    static Result<QList<QPair<QString, QString>>> parseMapping(const QString &text);
    QJsonArray mappingJson() const;
    static QList<QPair<QString, QString>> mappingFromJson(const QJsonArray &array);

    // What makes the preset unusable (name, target, format), in words a person can act on;
    // empty when it is fine. Whether its fields exist is the reader's to say, with the file.
    QString problem() const;

    static QStringList formats(); // csv, jsonl
    // One per target, mapping each of our fields to a column of the same name: the shape
    // `reconsolectl records import` documents, and what an import uses without --preset.
    // Beside those, the statement presets for the exports finance brings (Stripe's reports, bank
    // CSVs).
    static QList<ImportPreset> shippedPresets();
    static QString defaultName(const QString &target); // customers-default, payments-default
};
