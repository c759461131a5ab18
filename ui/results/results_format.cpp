#include "ui/results/results_format.h"

#include <QGuiApplication>
#include <QHeaderView>
#include <QPalette>
#include <QTableView>
#include <cmath>

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
