// Offscreen chart exports and the HTML report: PNG/SVG/PDF files of every chart kind for stored runs, the
// self-contained report (units, percentiles, comparison, escaping, no external resources), and the error paths.
#include "results/result_store.h"
#include "ui/charts/chart_builder.h"
#include "ui/export/chart_export.h"
#include "ui_testutils.h"

#include <QChart>
#include <QChartView>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>
#include <cmath>

using namespace faaswb;
using namespace faaswb::ui;

namespace {

constexpr int kIntervals = 20;

// A deterministic latency spread around `baseMs`: most requests near it, a tail up to ~8x.
std::shared_ptr<load::LatencyHistogram> latencies(double baseMs, int count, int seed) {
    auto histogram = std::make_shared<load::LatencyHistogram>();
    for (int i = 0; i < count; ++i) {
        const double u = double((i * 7919 + seed * 104729) % 1000) / 1000.0;
        const double ms = baseMs * std::exp(2.1 * u * u * u);
        histogram->record(std::int64_t(ms * 1000.0));
    }
    return histogram;
}

std::vector<load::IntervalSnapshot> intervals(double baseMs, double rate, std::uint64_t coldStarts) {
    std::vector<load::IntervalSnapshot> all;
    for (int i = 0; i < kIntervals; ++i) {
        load::IntervalSnapshot s;
        s.index = i;
        s.startMs = i * 1000;
        s.endMs = (i + 1) * 1000;
        s.requests = std::uint64_t(rate);
        s.sent = s.requests;
        s.errors = i % 5 == 4 ? 2 : 0;
        s.errorsByKind[std::size_t(load::ErrorKind::HttpStatus)] = s.errors;
        s.statusCounts = {{200, s.requests - s.errors}, {503, s.errors}};
        s.coldStarts = i == 2 ? coldStarts : 0; // the first measured interval
        s.targetRate = rate;
        s.achievedRate = rate;
        s.warmup = i < 2;
        auto latency = latencies(baseMs * (i == 0 ? 4 : 1), int(rate), i);
        auto service = latencies(baseMs * 0.8, int(rate), i + 100);
        s.corrected = load::LatencyPercentiles::of(*latency);
        s.uncorrected = load::LatencyPercentiles::of(*service);
        s.latency = latency;
        s.serviceTime = service;
        all.push_back(s);
    }
    return all;
}

std::vector<platform::ScaleSample> scaleSamples() {
    std::vector<platform::ScaleSample> samples;
    for (int i = 0; i <= kIntervals; ++i) {
        platform::ScaleSample s;
        s.tMs = i * 1000;
        s.revision = "hello-00001";
        s.desired = i < 3 ? 1 : i < 12 ? 4 : 2;
        s.actual = std::min(*s.desired, 1 + i / 2);
        s.ready = std::max(0, *s.actual - 1);
        s.pending = *s.actual - *s.ready;
        s.panic = i >= 3 && i < 8;
        samples.push_back(s);
    }
    return samples;
}

std::vector<trace::Span> spans(int count) {
    std::vector<trace::Span> all;
    for (int i = 0; i < count; ++i) {
        const bool cold = i < 3;
        const std::string id = std::to_string(1000 + i);
        const std::int64_t start = 1'700'000'000'000'000LL + i * 100'000LL;
        const std::int64_t wait = cold ? 400'000 : 0, function = 12'000 + i * 100, proxy = function + 1'500;
        trace::Span ingress{id, id + "i", "", "activator-service", "ingress", "SERVER", start, wait + proxy + 800, {}};
        ingress.tags = {{"faaswb.cold", cold ? "1" : "0"},
                        {"faaswb.activator_wait_us", std::to_string(wait)},
                        {"faaswb.queue_wait_us", "0"}};
        all.push_back(ingress);
        all.push_back({id, id + "q", id + "i", "hello-pod", "queue_proxy", "CLIENT", start + wait, proxy, {}});
        all.push_back({id, id + "f", id + "q", "hello", "function", "SERVER", start + wait + 700, function, {}});
    }
    return all;
}

std::int64_t addRun(results::ResultStore& store, std::int64_t experiment, const std::string& scenario,
                    const std::string& language, double baseMs, bool withPlatformData) {
    engine::RunDescription description;
    description.experimentName = "export";
    description.scenario = scenario;
    description.scenarioType = "warm-latency";
    description.benchmark = "010.sleep";
    description.language = language;
    description.platform = withPlatformData ? "local" : "openwhisk";
    description.startedAt = std::chrono::system_clock::now();
    auto run = store.beginRun(experiment, description);
    if (!run)
        return 0;
    bool ok = bool(store.appendIntervals(*run, intervals(baseMs, 100, withPlatformData ? 3 : 0)));
    if (withPlatformData) {
        ok = ok && store.appendScale(*run, scaleSamples());
        ok = ok && store.appendSpans(*run, spans(12));
    }
    ok = ok && store.finishRun(*run, engine::RunStatus::Complete, "", std::chrono::system_clock::now());
    return ok ? *run : 0;
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Empty when the document is well-formed XML, else the parser's error with its line.
QString xmlError(const QByteArray& data) {
    QXmlStreamReader reader(data);
    while (!reader.atEnd())
        reader.readNext();
    if (!reader.hasError())
        return {};
    const auto lines = data.split('\n');
    const auto line = reader.lineNumber() - 1;
    return QStringLiteral("%1 at line %2: %3")
        .arg(reader.errorString())
        .arg(line + 1)
        .arg(QString::fromUtf8(line >= 0 && line < lines.size() ? lines[line].left(300) : QByteArray()));
}

// Renders an exported SVG back to a PNG: shows what a browser would show of the vector output.
void saveSvgPreview(const QString& svgPath, const QString& name) {
    QSvgRenderer renderer(svgPath);
    QImage image(kExportSize, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    renderer.render(&painter);
    painter.end();
    image.save(test::screenshotDir() + QLatin1Char('/') + name + QStringLiteral(".png"));
}

QString stem(qint64 runId, ChartKind kind, const QString& extension) {
    return QStringLiteral("run-%1-%2.%3").arg(runId).arg(chartFileStem(kind), extension);
}

} // namespace

class TestChartExport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        auto store = results::ResultStore::open(m_dir.filePath(QStringLiteral("runs.db")).toStdString());
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        m_store = std::make_unique<results::ResultStore>(std::move(store).value());
        auto experiment = m_store->addExperiment("export", "name: export\n");
        QVERIFY(experiment);
        m_fast = addRun(*m_store, *experiment, "warm", "python", 8.0, true);
        m_slow = addRun(*m_store, *experiment, "burst", "nodejs", 21.0, false);
        QVERIFY(m_fast > 0 && m_slow > 0);
    }

    void formatNames() {
        QCOMPARE(imageFormatFromName(QStringLiteral("PNG")), std::optional(ImageFormat::Png));
        QCOMPARE(imageFormatFromName(QStringLiteral("svg")), std::optional(ImageFormat::Svg));
        QCOMPARE(imageFormatFromName(QStringLiteral("pdf")), std::optional(ImageFormat::Pdf));
        QVERIFY(!imageFormatFromName(QStringLiteral("gif")));
    }

    void png() {
        const QString out = exportTo(QStringLiteral("png"));
        for (const qint64 run : {m_fast, m_slow}) {
            for (const ChartKind kind : kAllChartKinds) {
                const QString path = out + QLatin1Char('/') + stem(run, kind, QStringLiteral("png"));
                QVERIFY2(QFileInfo(path).size() > 10'000, qPrintable(path));
                const QImage image(path);
                QVERIFY2(!image.isNull(), qPrintable(path));
                QCOMPARE(image.size(), kExportSize * 2);
            }
        }
        for (const ChartKind kind : kAllChartKinds) {
            const QString shot =
                test::screenshotDir() + QStringLiteral("/export-") + chartFileStem(kind) + QStringLiteral(".png");
            QFile::remove(shot);
            QVERIFY(QFile::copy(out + QLatin1Char('/') + stem(m_fast, kind, QStringLiteral("png")), shot));
        }
        // The run without platform data says so instead of drawing empty axes.
        const QString pods = test::screenshotDir() + QStringLiteral("/export-pods-not-available.png");
        QFile::remove(pods);
        QVERIFY(QFile::copy(out + QLatin1Char('/') + stem(m_slow, ChartKind::Pods, QStringLiteral("png")), pods));
    }

    void svg() {
        const QString out = exportTo(QStringLiteral("svg"));
        for (const ChartKind kind : kAllChartKinds) {
            const QByteArray data = readAll(out + QLatin1Char('/') + stem(m_fast, kind, QStringLiteral("svg")));
            QVERIFY2(data.startsWith("<?xml"), data.left(64).constData());
            QVERIFY(data.contains("<svg"));
            const QString error = xmlError(data);
            QVERIFY2(error.isEmpty(), qPrintable(chartFileStem(kind) + QStringLiteral(": ") + error));
        }
        const QString cdf = out + QLatin1Char('/') + stem(m_fast, ChartKind::LatencyCdf, QStringLiteral("svg"));
        QVERIFY(readAll(cdf).contains("Latency (ms)"));
        QVERIFY(readAll(cdf).contains("<title>"));
        saveSvgPreview(cdf, QStringLiteral("export-latency-cdf-svg"));
    }

    void pdf() {
        const QString out = exportTo(QStringLiteral("pdf"));
        for (const qint64 run : {m_fast, m_slow}) {
            const QString path = out + QLatin1Char('/') + stem(run, ChartKind::Percentiles, QStringLiteral("pdf"));
            const QByteArray data = readAll(path);
            QVERIFY2(data.startsWith("%PDF"), qPrintable(path));
            QVERIFY(data.size() > 2'000);
            QVERIFY(data.contains("%%EOF"));
            // One page of exactly the chart's size: 1200 x 700 px at 96 dpi = 900 x 525 pt.
            const auto box = data.indexOf("/MediaBox");
            QVERIFY2(box >= 0 && data.mid(box, 40).contains("0 0 900.000000 525.000000"),
                     data.mid(box, 40).constData());
        }
    }

    void htmlReport() {
        const QString out = exportTo(QStringLiteral("html"));
        const QString html = QString::fromUtf8(readAll(out + QStringLiteral("/report.html")));
        const QString artifact = test::screenshotDir() + QStringLiteral("/export-report.html");
        QFile::remove(artifact);
        QVERIFY(QFile::copy(out + QStringLiteral("/report.html"), artifact));
        QVERIFY(html.startsWith(QLatin1String("<!DOCTYPE html>")));
        QVERIFY(html.contains(QStringLiteral("warm · 010.sleep · python")));
        QVERIFY(html.contains(QStringLiteral("burst · 010.sleep · nodejs")));
        QVERIFY(html.contains(QStringLiteral("p99 (ms)")));
        QVERIFY(html.contains(QStringLiteral("Achieved (req/s)")));
        QVERIFY(html.contains(QStringLiteral("Δ vs baseline")));
        QVERIFY(html.contains(QStringLiteral("Trace breakdown (medians)")));
        QCOMPARE(html.count(QStringLiteral("<svg")), qsizetype(std::size(kAllChartKinds)));
        for (const ChartKind kind : kAllChartKinds)
            QVERIFY(html.contains(QStringLiteral("<h2>") + chartTitle(kind) + QStringLiteral("</h2>")));
        QVERIFY(html.contains(expectedP99(m_fast)));
        QVERIFY(html.contains(expectedP99(m_slow)));
        QVERIFY(!html.contains(QStringLiteral("<script")));
        QVERIFY(!html.contains(QStringLiteral("<?xml")));
        QString stripped = html;
        stripped.remove(QStringLiteral("xmlns=\"http://www.w3.org/2000/svg\""));
        stripped.remove(QStringLiteral("xmlns:xlink=\"http://www.w3.org/1999/xlink\""));
        QVERIFY2(!stripped.contains(QStringLiteral("http://")), qPrintable(firstUrl(stripped)));
        QVERIFY(!stripped.contains(QStringLiteral("https://")));
        QVERIFY(html.size() > 20'000);
    }

    void reportEscapesAndSkipsComparisonForOneRun() {
        RunSeriesBuilder builder;
        builder.setDescription(QStringLiteral("<script>alert(1)</script> & co"), QStringLiteral("warm-latency"),
                               QStringLiteral("local"));
        const QString html = ui::htmlReport({builder.series()});
        QVERIFY(!html.contains(QStringLiteral("<script>")));
        QVERIFY(html.contains(QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")));
        QVERIFY(!html.contains(QStringLiteral("Δ vs baseline")));
        QVERIFY(html.contains(QStringLiteral("n/a"))); // no latency measured: not shown as 0
    }

    void chartSvgIsAnInlineElement() {
        auto run = loadRunSeries(*m_store, m_fast);
        QVERIFY(run);
        const QString svg = chartSvg(ChartKind::LatencyHistogram, {*run}, QSize(800, 500));
        QVERIFY(svg.startsWith(QLatin1String("<svg")));
        QVERIFY(svg.trimmed().endsWith(QLatin1String("</svg>")));
        QVERIFY(svg.contains(QStringLiteral("viewBox=\"0 0 800 500\"")));
    }

    void shownChartKeepsItsGeometry() {
        auto run = loadRunSeries(*m_store, m_fast);
        QVERIFY(run);
        auto* chart = new QChart;
        QChartView view(chart); // owns the chart
        view.resize(640, 400);
        view.show();
        populateChart(*chart, ChartKind::Percentiles, {*run});
        QTRY_COMPARE(chart->size().toSize(), QSize(640, 400));
        const QString path = m_dir.filePath(QStringLiteral("shown.png"));
        const Status saved = saveChart(*chart, path, ImageFormat::Png, QSize(1000, 600));
        QVERIFY2(saved, saved ? "" : saved.error().message.c_str());
        const QImage image(path);
        QCOMPARE(image.size(), QSize(2000, 1200));
        image.save(test::screenshotDir() + QStringLiteral("/export-shown-chart.png"));
        QCOMPARE(chart->size().toSize(), QSize(640, 400));
    }

    void unknownFormatIsInvalidInput() {
        const auto status =
            exportRunCharts(*m_store, {m_fast}, "gif", m_dir.filePath(QStringLiteral("gif")).toStdString());
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::InvalidInput);
        QVERIFY(status.error().message.find("'gif'") != std::string::npos);
        QVERIFY(status.error().message.find("png, svg, pdf or html") != std::string::npos);
    }

    void unwritableDestinationsAreErrors() {
        // A regular file where a directory should be: fails for every user, root included.
        const QString blocker = m_dir.filePath(QStringLiteral("blocker"));
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const std::string below = (blocker + QStringLiteral("/out")).toStdString();
        const auto status = exportRunCharts(*m_store, {m_fast}, "png", below);
        QVERIFY(!status);
        QVERIFY2(status.error().message.find(below) != std::string::npos, status.error().message.c_str());

        auto run = loadRunSeries(*m_store, m_fast);
        QVERIFY(run);
        const QString path = blocker + QStringLiteral("/chart.svg");
        for (const ImageFormat format : {ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf}) {
            const Status saved = saveChart(ChartKind::LatencyCdf, {*run}, path, format);
            QVERIFY(!saved);
            QVERIFY2(saved.error().message.find(path.toStdString()) != std::string::npos,
                     saved.error().message.c_str());
        }
    }

    void unknownRunIsAnError() {
        const auto status =
            exportRunCharts(*m_store, {9999}, "svg", m_dir.filePath(QStringLiteral("none")).toStdString());
        QVERIFY(!status);
    }

private:
    QString exportTo(const QString& format) {
        const QString out = m_dir.filePath(QStringLiteral("out-") + format);
        const Status status = exportRunCharts(*m_store, {m_fast, m_slow}, format.toStdString(), out.toStdString());
        if (!status)
            qWarning("%s", status.error().message.c_str());
        return status ? out : QString();
    }

    QString expectedP99(qint64 runId) {
        auto merged = m_store->mergedHistogram(runId);
        return merged ? QString::number(double(merged->valueAtPercentile(99)) / 1000.0, 'f', 2) : QStringLiteral("?");
    }

    static QString firstUrl(const QString& text) {
        const auto at = text.indexOf(QStringLiteral("http://"));
        return text.mid(std::max<qsizetype>(0, at - 80), 160);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<results::ResultStore> m_store;
    qint64 m_fast = 0, m_slow = 0;
};

QTEST_MAIN(TestChartExport)
#include "tst_chart_export.moc"
