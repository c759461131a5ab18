#include "ui/results/results_format.h"

#include "common/units.h"

#include <QGuiApplication>
#include <QHeaderView>
#include <QPalette>
#include <QStringList>
#include <QTableView>
#include <cmath>
#include <cstdint>

namespace faaswb::ui {

QString formatFixed(double value, int decimals) {
    return QString::number(value, 'f', decimals);
}

QString formatSigned(double value, int decimals) {
    const QString text = formatFixed(std::abs(value), decimals);
    // Compare the rounded text, not the value, so a delta that rounds to zero shows no sign.
    if (text == formatFixed(0.0, decimals))
        return text;
    return (value > 0 ? QLatin1Char('+') : QLatin1Char('-')) + text;
}

QString formatCount(quint64 value) {
    return QString::number(value);
}

QString notAvailable() {
    return QStringLiteral("—");
}

QString formatSweepValue(const nlohmann::json& value) {
    if (value.is_string())
        return QString::fromStdString(value.get<std::string>());
    if (value.is_number_integer() || value.is_number_unsigned())
        return QString::fromStdString(value.dump());
    if (value.is_number_float())
        return QString::number(value.get<double>(), 'g', 10);
    if (value.is_null())
        return {};
    return QString::fromStdString(value.dump());
}

QString formatSweep(const nlohmann::json& values) {
    const nlohmann::json& object =
        values.is_object() && values.contains("values") && values["values"].is_object() ? values["values"] : values;
    if (!object.is_object())
        return formatSweepValue(object);
    QStringList parts;
    for (auto it = object.begin(); it != object.end(); ++it)
        parts << QString::fromStdString(it.key()) + QLatin1Char('=') + formatSweepValue(it.value());
    return parts.join(QStringLiteral(", "));
}

namespace {

// 20 digits hold any uint64; negative and fractional values are rare in sweeps and keep their text order.
QString paddedMagnitude(std::uint64_t magnitude) {
    return QStringLiteral("%1").arg(magnitude, 20, 10, QLatin1Char('0'));
}

QString sweepValueKey(const nlohmann::json& value) {
    // Numbers in thousandths, so 2.5 sorts between 2 and 10.
    if (value.is_number() && value.get<double>() >= 0 && value.get<double>() < 1e15)
        return paddedMagnitude(static_cast<std::uint64_t>(std::llround(value.get<double>() * 1000.0)));
    if (!value.is_string())
        return formatSweepValue(value).toLower();
    const std::string text = value.get<std::string>();
    if (const auto bytes = parseByteSize(text))
        return paddedMagnitude(*bytes);
    if (const auto duration = parseDuration(text); duration && duration->count() >= 0)
        return paddedMagnitude(static_cast<std::uint64_t>(duration->count()));
    return QString::fromStdString(text).toLower();
}

} // namespace

QString sweepSortKey(const std::string& json) {
    const auto parsed = nlohmann::json::parse(json.empty() ? std::string("null") : json, nullptr, false);
    if (parsed.is_discarded())
        return QString::fromStdString(json).toLower();
    const nlohmann::json& object =
        parsed.is_object() && parsed.contains("values") && parsed["values"].is_object() ? parsed["values"] : parsed;
    if (!object.is_object())
        return object.is_null() ? QString() : sweepValueKey(object);
    QStringList parts;
    for (auto it = object.begin(); it != object.end(); ++it)
        parts << QString::fromStdString(it.key()) + QLatin1Char('=') + sweepValueKey(it.value());
    return parts.join(QLatin1Char(','));
}

QString formatSweepJson(const std::string& json) {
    if (json.empty())
        return {};
    const auto parsed = nlohmann::json::parse(json, nullptr, false);
    return parsed.is_discarded() ? QString::fromStdString(json) : formatSweep(parsed);
}

QString formatMetric(const std::optional<double>& value) {
    if (!value)
        return QStringLiteral("n/a");
    const double magnitude = std::abs(*value);
    if (magnitude == 0 || std::round(*value) == *value)
        return QString::number(*value, 'f', 0);
    if (magnitude >= 1000)
        return QString::number(*value, 'f', 1);
    if (magnitude >= 1)
        return QString::number(*value, 'f', 2);
    return QString::number(*value, 'g', 3);
}

QString checksText(const std::optional<bool>& passed) {
    if (!passed)
        return notAvailable();
    return *passed ? QStringLiteral("pass") : QStringLiteral("FAIL");
}

QColor checksColor(const std::optional<bool>& passed) {
    if (!passed)
        return {};
    return *passed ? betterColor() : worseColor();
}

QVariant rightAligned() {
    return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
}

bool paletteIsDark() {
    return QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}

QColor statusColor(const QString& status) {
    const bool dark = paletteIsDark();
    if (status == QLatin1String("failed"))
        return worseColor();
    if (status == QLatin1String("cancelled") || status == QLatin1String("incomplete"))
        return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0xb2, 0x6a, 0x00);
    if (status == QLatin1String("running"))
        return dark ? QColor(0x64, 0xb5, 0xf6) : QColor(0x15, 0x65, 0xc0);
    return {};
}

QColor worseColor() {
    return paletteIsDark() ? QColor(0xef, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
}

QColor betterColor() {
    return paletteIsDark() ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32);
}

void fitColumnsToContents(QTableView& view) {
    const int columns = view.model() ? view.model()->columnCount() : 0;
    for (int column = 0; column + 1 < columns; ++column)
        view.resizeColumnToContents(column);
}

void useCompactRows(QTableView& view) {
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.verticalHeader()->setDefaultSectionSize(view.fontMetrics().height() + 6);
}

QSize tableContentSize(const QTableView& view) {
    const int frame = 2 * view.frameWidth();
    const QHeaderView* rows = view.verticalHeader();
    const QHeaderView* columns = view.horizontalHeader();
    const int rowCount = view.model() ? view.model()->rowCount() : 0;
    const int width = (rows->isHidden() ? 0 : rows->sizeHint().width()) + columns->length() + frame;
    const int height = columns->sizeHint().height() + rowCount * rows->defaultSectionSize() + frame;
    return {width, height};
}

} // namespace faaswb::ui
