// Number formatting, colours and table sizing shared by the results browser: fixed decimals in the C locale (so values
// read the same everywhere and tests can compare text), status / better-worse colours readable on light and dark
// palettes, and fitting a table's columns to its contents. UI thread (the colours read the application palette).
#pragma once

#include <QColor>
#include <QString>
#include <QVariant>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

QT_BEGIN_NAMESPACE
class QTableView;
QT_END_NAMESPACE

namespace faaswb::ui {

QString formatFixed(double value, int decimals);  // "12.345"
QString formatSigned(double value, int decimals); // "+2.000", "-0.500", "0.000"
QString formatCount(quint64 value);               // "12345"
QString notAvailable();                           // "—"
QVariant rightAligned();                          // a Qt::TextAlignmentRole value for numbers

// Sweep points as people read them: "rate=50, payloadSize=1024" (strings unquoted, keys in stored order). Accepts
// the values object or the runner's {"index": i, "values": {...}}; empty for null or an empty object.
QString formatSweepValue(const nlohmann::json& value); // 50, 1.5, serving, true
QString formatSweep(const nlohmann::json& values);
QString formatSweepJson(const std::string& json); // from RunRow::sweep; the text itself when it is not JSON
// A text key that orders sweep points by magnitude: numbers, sizes (512B < 1KB < 2MB) and durations (500ms < 2s)
// become fixed-width numbers, other values stay text, so "rate=100" sorts after "rate=50".
QString sweepSortKey(const std::string& json);
// A metric value with the decimals its size needs ("12.35", "0.0042", "123456"); "n/a" when unavailable.
QString formatMetric(const std::optional<double>& value);
// "pass" / "FAIL" / "—" for a run's threshold outcome, and its colour (invalid for "—").
QString checksText(const std::optional<bool>& passed);
QColor checksColor(const std::optional<bool>& passed);

bool paletteIsDark();
QColor statusColor(const QString& status); // failed red, cancelled/incomplete amber; invalid for the others
QColor worseColor();                       // red
QColor betterColor();                      // green

// Sizes every column but the last to its contents; the last one stretches to the view's width.
void fitColumnsToContents(QTableView& view);
// Rows of equal height (font height + padding), so the table's height is known before it is shown.
void useCompactRows(QTableView& view);
// The size that shows the whole table without scroll bars (columns as they are now).
QSize tableContentSize(const QTableView& view);

} // namespace faaswb::ui
