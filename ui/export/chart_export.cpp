// Offscreen chart rendering to PNG, SVG and PDF: a chart is laid out at the export size in a QGraphicsScene and the
// scene is rendered into the target paint device.
#include "ui/export/chart_export.h"

#include "ui/export/export_internal.h"

#include <QApplication>
#include <QBuffer>
#include <QChart>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QLegend>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextDocumentFragment>

namespace faaswb::ui {

namespace {

// PNGs are drawn at twice the logical size so they stay crisp on high-DPI screens and in print.
constexpr qreal kPngPixelRatio = 2.0;
// The scene is laid out at the screen's 96 dpi; painting at the same resolution keeps text where the layout put it.
constexpr int kVectorDpi = 96;

Error writeError(const QString& path, const QString& reason) {
    return invalidInput(QStringLiteral("could not write %1: %2").arg(path, reason).toStdString());
}

// Lays the chart out at `size` for render() and restores its geometry afterwards, so a chart shown in a ChartPanel
// keeps its zoom and is back at its on-screen size before the next paint event. A chart in no scene gets a
// temporary one.
class ChartLayoutScope {
public:
    ChartLayoutScope(QChart& chart, QSize size)
        : m_chart(chart)
        , m_oldGeometry(chart.geometry()) {
        if (!chart.scene()) {
            m_ownScene.addItem(&chart);
            m_addedToOwnScene = true;
        }
        m_chart.setGeometry(QRectF(m_oldGeometry.topLeft(), QSizeF(size)));
        activate();
    }
    ~ChartLayoutScope() {
        m_chart.setGeometry(m_oldGeometry);
        activate();
        if (m_addedToOwnScene)
            m_ownScene.removeItem(&m_chart);
    }
    ChartLayoutScope(const ChartLayoutScope&) = delete;
    ChartLayoutScope& operator=(const ChartLayoutScope&) = delete;

    void render(QPainter& painter, const QRectF& target) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        painter.fillRect(target, backgroundColor());
        m_chart.scene()->render(&painter, target, m_chart.sceneBoundingRect(), Qt::IgnoreAspectRatio);
    }

private:
    // The layouts normally run on posted LayoutRequest events, and exporting must not spin the event loop (user input
    // or queued calls would run mid-export): run them now. The legend is a widget with a layout of its own that
    // keeps the entry widths of an earlier layout pass (and elides the labels) unless it is invalidated first.
    void activate() {
        if (auto* layout = m_chart.layout())
            layout->activate();
        if (auto* layout = m_chart.legend()->layout()) {
            layout->invalidate();
            layout->activate();
        }
    }
    QColor backgroundColor() const {
        const QColor color = m_chart.backgroundBrush().color();
        return color.alpha() == 0 ? QColor(Qt::white) : color;
    }

    QChart& m_chart;
    QRectF m_oldGeometry;
    QGraphicsScene m_ownScene;
    bool m_addedToOwnScene = false;
};

// Chart titles may be rich text ("Latency<br><span ...>(corrected)</span>"): documents want the plain words.
QString plainTitle(const QChart& chart) {
    QString text = QTextDocumentFragment::fromHtml(chart.title()).toPlainText().simplified();
    return text.isEmpty() ? QStringLiteral("FaaS Workbench chart") : text;
}

void renderSvg(QChart& chart, QIODevice& device, QSize size) {
    QSvgGenerator generator;
    generator.setOutputDevice(&device);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setResolution(kVectorDpi);
    // QSvgGenerator writes title and description verbatim into the XML.
    generator.setTitle(plainTitle(chart).toHtmlEscaped());
    generator.setDescription(QStringLiteral("Exported by FaaS Workbench"));
    ChartLayoutScope scope(chart, size);
    QPainter painter(&generator);
    scope.render(painter, QRectF(QPointF(0, 0), QSizeF(size)));
}

Status savePng(QChart& chart, const QString& path, QSize size) {
    QImage image(size * kPngPixelRatio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(kPngPixelRatio);
    {
        ChartLayoutScope scope(chart, size);
        QPainter painter(&image);
        scope.render(painter, QRectF(QPointF(0, 0), QSizeF(size)));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return writeError(path, file.errorString());
    if (!image.save(&file, "PNG") || !file.commit())
        return writeError(path, file.errorString());
    return {};
}

Status saveSvg(QChart& chart, const QString& path, QSize size) {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    renderSvg(chart, buffer, size);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return writeError(path, file.errorString());
    if (file.write(buffer.data()) != buffer.data().size() || !file.commit())
        return writeError(path, file.errorString());
    return {};
}

Status savePdf(QChart& chart, const QString& path, QSize size) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return writeError(path, file.errorString());
    {
        QPdfWriter writer(&file);
        writer.setResolution(kVectorDpi);
        // One page exactly the chart's size: 1 px = 72/96 pt.
        writer.setPageSize(QPageSize(QSizeF(size) * 72.0 / kVectorDpi, QPageSize::Point));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setTitle(plainTitle(chart));
        writer.setCreator(QStringLiteral("FaaS Workbench"));
        ChartLayoutScope scope(chart, size);
        QPainter painter;
        if (!painter.begin(&writer))
            return writeError(path, QStringLiteral("the PDF writer could not start"));
        scope.render(painter, QRectF(QPointF(0, 0), QSizeF(size)));
    }
    if (!file.commit())
        return writeError(path, file.errorString());
    return {};
}

} // namespace

std::optional<ImageFormat> imageFormatFromName(const QString& name) {
    const QString lower = name.trimmed().toLower();
    if (lower == QLatin1String("png"))
        return ImageFormat::Png;
    if (lower == QLatin1String("svg"))
        return ImageFormat::Svg;
    if (lower == QLatin1String("pdf"))
        return ImageFormat::Pdf;
    return std::nullopt;
}

Status saveChart(QChart& chart, const QString& path, ImageFormat format, QSize size) {
    if (auto app = exportdetail::requireWidgetsApplication(); !app)
        return app;
    if (size.isEmpty())
        return invalidInput("the export size must be positive");
    switch (format) {
    case ImageFormat::Png:
        return savePng(chart, path, size);
    case ImageFormat::Svg:
        return saveSvg(chart, path, size);
    case ImageFormat::Pdf:
        return savePdf(chart, path, size);
    }
    return internalError("unknown image format");
}

Status saveChart(ChartKind kind, const QList<RunSeries>& runs, const QString& path, ImageFormat format,
                 const ChartOptions& options, QSize size) {
    if (auto app = exportdetail::requireWidgetsApplication(); !app)
        return app;
    exportdetail::OffscreenChart offscreen(kind, runs, options, size);
    return saveChart(offscreen.chart(), path, format, size);
}

QString chartSvg(ChartKind kind, const QList<RunSeries>& runs, QSize size) {
    if (!exportdetail::requireWidgetsApplication())
        return {};
    exportdetail::OffscreenChart offscreen(kind, runs, {}, size);
    return chartSvg(offscreen.chart(), size);
}

QString chartSvg(QChart& chart, QSize size) {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    renderSvg(chart, buffer, size);
    const QString svg = QString::fromUtf8(buffer.data());
    const auto start = svg.indexOf(QLatin1String("<svg"));
    return start < 0 ? QString() : svg.mid(start).trimmed();
}

namespace exportdetail {

Status requireWidgetsApplication() {
    if (qobject_cast<QApplication*>(QCoreApplication::instance()))
        return {};
    return internalError("chart export needs a QApplication: QtCharts draws with Qt Widgets");
}

OffscreenChart::OffscreenChart(ChartKind kind, const QList<RunSeries>& runs, const ChartOptions& options, QSize size)
    : m_chart(new QChart) {
    m_scene.addItem(m_chart); // the scene owns the chart
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setBackgroundRoundness(0);
    m_chart->setGeometry(QRectF(QPointF(0, 0), QSizeF(size)));
    populateChart(*m_chart, kind, runs, options);
    if (m_chart->title().isEmpty())
        m_chart->setTitle(chartTitle(kind));
}

OffscreenChart::~OffscreenChart() = default;

} // namespace exportdetail

} // namespace faaswb::ui
