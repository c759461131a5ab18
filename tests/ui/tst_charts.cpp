// Chart builders and ChartPanel: series and axes of every chart kind for one and two runs, in-place updates that keep
// series objects and zoom, notes for unsupported or missing data, legend toggling, reset zoom, tooltips, and
// screenshots of a 2x4 grid (charts-light, charts-dark).
#include "ui/charts/chart_axes.h"
#include "ui/charts/chart_panel.h"
#include "ui/charts/chart_view.h"
#include "ui_testutils.h"

#include <QApplication>
#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QGraphicsSimpleTextItem>
#include <QGridLayout>
#include <QHorizontalStackedBarSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QTest>
#include <QToolButton>
#include <QValueAxis>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <random>

using namespace faaswb;
using faaswb::ui::ChartKind;
using faaswb::ui::RunSeries;

namespace {

// An autoscaling run: the rate ramps 10 -> 300 req/s and back to 0, pods follow 0 -> 4 -> 0 with a panic window and
// cold starts, latency rises while the pods start.
RunSeries autoscalingRun(const QString& label, int seconds, double latencyScale = 1.0, quint32 seed = 7) {
    ui::RunSeriesBuilder builder;
    builder.setDescription(label, QStringLiteral("autoscaling"), QStringLiteral("local"));
    builder.setStatus(QStringLiteral("running"));
    builder.setCapabilities(true, true, true);
    std::mt19937 random(seed);
    std::lognormal_distribution<double> jitter(0, 0.35);
    for (int t = 0; t < seconds; ++t) {
        const double phase = static_cast<double>(t) / 120.0;
        const double rate = phase < 0.5 ? 10 + 290 * phase * 2 : std::max(0.0, 300 * (1 - (phase - 0.5) * 2.5));
        const bool scaling = t >= 18 && t < 34;
        load::IntervalSnapshot s;
        s.index = t;
        s.startMs = t * 1000;
        s.endMs = (t + 1) * 1000;
        s.warmup = t < 5;
        s.targetRate = rate;
        s.achievedRate = rate * (scaling ? 0.82 : 0.99);
        s.requests = static_cast<std::uint64_t>(s.achievedRate);
        s.coldStarts = (t == 2 || t == 21 || t == 22 || t == 24) ? 1 : 0;
        if (scaling && t % 3 == 0) {
            s.errorsByKind[static_cast<std::size_t>(load::ErrorKind::Timeout)] = 4;
            s.errors = 4;
        }
        auto latency = std::make_shared<load::LatencyHistogram>();
        auto service = std::make_shared<load::LatencyHistogram>();
        const double base = (scaling ? 60.0 : 12.0) * latencyScale;
        for (std::uint64_t r = 0; r < std::max<std::uint64_t>(s.requests, 1); ++r) {
            const double ms = base * jitter(random) + (s.coldStarts && r == 0 ? 900 : 0);
            latency->record(static_cast<std::int64_t>(ms * 1000));
            service->record(static_cast<std::int64_t>(ms * 700));
        }
        s.corrected = load::LatencyPercentiles::of(*latency);
        s.uncorrected = load::LatencyPercentiles::of(*service);
        s.latency = latency;
        s.serviceTime = service;
        builder.addInterval(s);
        const int pods = t < 2 ? 0 : std::clamp(static_cast<int>(std::ceil(rate / 75.0)), 1, 4);
        platform::ScaleSample sample;
        sample.tMs = t * 1000 + 500;
        sample.desired = pods;
        sample.actual = pods;
        sample.ready = scaling && pods > 1 ? pods - 1 : pods;
        sample.pending = scaling && pods > 1 ? 1 : 0;
        sample.panic = t >= 20 && t < 32;
        builder.addScale(sample);
        std::vector<platform::PodMetricsSample> metrics;
        for (int p = 0; p < pods; ++p) {
            platform::PodMetricsSample m;
            m.tMs = t * 1000 + 500;
            m.pod = "fn-" + std::to_string(p);
            m.cpuMillicores = rate / pods * 2.1;
            m.memoryBytes = (48 + 6 * p) * 1024 * 1024;
            metrics.push_back(m);
        }
        builder.addPodMetrics(metrics);
    }
    RunSeries run = builder.series();
    trace::TraceBreakdown cold{"cold", 4, {3.1, 820, -1, 1.9, 41}};
    trace::TraceBreakdown warm{"warm", 900, {2.4, -1, 4.5, 1.2, 8.5}};
    run.breakdown = {cold, warm};
    return run;
}

RunSeries unsupportedRun() {
    ui::RunSeriesBuilder builder;
    builder.setDescription(QStringLiteral("warm · 010.sleep · nodejs"), QStringLiteral("warm-latency"),
                           QStringLiteral("openwhisk"));
    builder.setStatus(QStringLiteral("complete"));
    return builder.series();
}

QList<QAbstractSeries*> seriesOf(const QChart& chart) {
    return chart.series();
}

QStringList namesOf(const QChart& chart) {
    QStringList names;
    for (QAbstractSeries* series : seriesOf(chart))
        names.append(series->name());
    return names;
}

QAbstractAxis* axisOf(const QChart& chart, Qt::Orientation orientation, int index = 0) {
    const QList<QAbstractAxis*> axes = chart.axes(orientation);
    return index < axes.size() ? axes[index] : nullptr;
}

QXYSeries* xySeries(const QChart& chart, const QString& name) {
    for (QAbstractSeries* series : seriesOf(chart))
        if (series->name() == name)
            return qobject_cast<QXYSeries*>(series);
    return nullptr;
}

bool noteItemShows(const QChart& chart, const QString& text) {
    const QList<QGraphicsItem*> items = chart.childItems();
    for (QGraphicsItem* item : items)
        if (auto* simple = dynamic_cast<QGraphicsSimpleTextItem*>(item))
            if (simple->text() == text && simple->isVisible())
                return true;
    return false;
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { test::applyTheme(test::Theme::Light); }

    void everyKindHasUnitsOnItsAxes_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("runCount");
        for (ChartKind kind : ui::kAllChartKinds)
            for (int runs : {1, 2})
                QTest::addRow("%s-%d", qPrintable(ui::chartFileStem(kind)), runs) << static_cast<int>(kind) << runs;
    }
    void everyKindHasUnitsOnItsAxes() {
        QFETCH(int, kind);
        QFETCH(int, runCount);
        QList<RunSeries> runs{autoscalingRun(QStringLiteral("A"), 90)};
        if (runCount == 2)
            runs.append(autoscalingRun(QStringLiteral("B"), 60, 1.5, 11));
        QChart chart;
        ui::populateChart(chart, static_cast<ChartKind>(kind), runs);
        QVERIFY(!ui::chartTitle(static_cast<ChartKind>(kind)).isEmpty());
        QVERIFY(chart.title().startsWith(ui::chartTitle(static_cast<ChartKind>(kind))));
        QVERIFY(ui::charts::chartNote(chart).isEmpty());
        QVERIFY(!chart.series().isEmpty());
        const QList<QAbstractAxis*> axes = chart.axes();
        QVERIFY(axes.size() >= 2);
        for (QAbstractAxis* axis : axes)
            if (!qobject_cast<QBarCategoryAxis*>(axis) && !axis->titleText().startsWith(QStringLiteral("Fraction")))
                QVERIFY2(axis->titleText().contains(QLatin1Char('(')), qPrintable(axis->titleText()));
    }

    void latencyHistogramAndCdfUseLogAxes() {
        const QList<RunSeries> runs{autoscalingRun(QStringLiteral("A"), 60),
                                    autoscalingRun(QStringLiteral("B"), 60, 2.0, 3)};
        for (ChartKind kind : {ChartKind::LatencyHistogram, ChartKind::LatencyCdf}) {
            QChart chart;
            ui::populateChart(chart, kind, runs);
            QCOMPARE(chart.series().size(), 2);
            QCOMPARE(namesOf(chart), (QStringList{QStringLiteral("A"), QStringLiteral("B")}));
            auto* x = qobject_cast<QLogValueAxis*>(axisOf(chart, Qt::Horizontal));
            QVERIFY(x);
            QCOMPARE(x->titleText(), QStringLiteral("Latency (ms)"));
            const QList<QPointF> points = xySeries(chart, QStringLiteral("A"))->points();
            QVERIFY(points.size() > 10);
            QVERIFY(x->min() <= points.first().x() && x->max() >= points.last().x());
            if (kind == ChartKind::LatencyCdf) {
                QCOMPARE(points.last().y(), 1.0);
                QCOMPARE(axisOf(chart, Qt::Vertical)->titleText(), QStringLiteral("Fraction of requests ≤ latency"));
            } else {
                QCOMPARE(points.size() % 2, 0); // step outline: two points per bin
                QCOMPARE(axisOf(chart, Qt::Vertical)->titleText(), QStringLiteral("Requests (count)"));
            }
        }
    }

    void histogramCountsOnlyMeasuredRequests() {
        const RunSeries run = autoscalingRun(QStringLiteral("A"), 30);
        QChart chart;
        ui::populateChart(chart, ChartKind::LatencyHistogram, {run});
        const QList<QPointF> points = xySeries(chart, QStringLiteral("A"))->points();
        double total = 0;
        for (qsizetype i = 1; i + 1 < points.size(); i += 2)
            total += points[i].y();
        QCOMPARE(total, static_cast<double>(run.latency->totalCount()));
    }

    void percentilesPerRunAndServiceTime() {
        const RunSeries run = autoscalingRun(QStringLiteral("A"), 40);
        QChart chart;
        ui::populateChart(chart, ChartKind::Percentiles, {run});
        QCOMPARE(namesOf(chart), (QStringList{QStringLiteral("p50"), QStringLiteral("p90"), QStringLiteral("p99"),
                                              QStringLiteral("max")}));
        QCOMPARE(xySeries(chart, QStringLiteral("p99"))->points(), run.corrected.p99);
        QVERIFY(chart.title().contains(QStringLiteral("(corrected, from intended send time)")));
        QCOMPARE(axisOf(chart, Qt::Vertical)->titleText(), QStringLiteral("Latency (ms)"));
        QCOMPARE(axisOf(chart, Qt::Horizontal)->titleText(), QStringLiteral("Time since start (s)"));
        ui::populateChart(chart, ChartKind::Percentiles, {run}, {true, false});
        QVERIFY(chart.title().contains(QStringLiteral("(service time)")));
        QCOMPARE(xySeries(chart, QStringLiteral("p99"))->points(), run.uncorrected.p99);
        ui::populateChart(chart, ChartKind::Percentiles, {run}, {false, true});
        QVERIFY(qobject_cast<QLogValueAxis*>(axisOf(chart, Qt::Vertical)));

        QChart two;
        ui::populateChart(two, ChartKind::Percentiles, {run, autoscalingRun(QStringLiteral("B"), 20)});
        QCOMPARE(two.series().size(), 8);
        QVERIFY(namesOf(two).contains(QStringLiteral("B p99")));
        QCOMPARE(xySeries(two, QStringLiteral("B p50"))->count(), 20);
    }

    void throughputShowsTargetAchievedAndErrors() {
        const RunSeries run = autoscalingRun(QStringLiteral("A"), 40);
        QChart chart;
        ui::populateChart(chart, ChartKind::Throughput, {run});
        // "target" is drawn after "achieved" so the dashed line stays visible where they coincide.
        QCOMPARE(namesOf(chart), (QStringList{QStringLiteral("achieved"), QStringLiteral("target"),
                                              QStringLiteral("errors/s timeout")}));
        auto* target = qobject_cast<QLineSeries*>(xySeries(chart, QStringLiteral("target")));
        QCOMPARE(target->pen().style(), Qt::DashLine);
        QCOMPARE(target->count(), 40);
        QCOMPARE(axisOf(chart, Qt::Vertical)->titleText(), QStringLiteral("Throughput (req/s)"));
        auto* y = qobject_cast<QValueAxis*>(axisOf(chart, Qt::Vertical));
        const double peak = std::max_element(run.targetRps.begin(), run.targetRps.end(), [](QPointF a, QPointF b) {
                                return a.y() < b.y();
                            })->y();
        QVERIFY2(y->min() == 0 && y->max() > peak && y->max() < peak * 1.3, qPrintable(QString::number(y->max())));
    }

    void podsShadePanicAndMarkColdStarts() {
        const RunSeries run = autoscalingRun(QStringLiteral("A"), 60);
        QChart chart;
        ui::populateChart(chart, ChartKind::Pods, {run});
        QCOMPARE(namesOf(chart),
                 (QStringList{QStringLiteral("panic"), QStringLiteral("desired"), QStringLiteral("actual"),
                              QStringLiteral("ready"), QStringLiteral("pending"), QStringLiteral("cold start")}));
        auto* panic = qobject_cast<QAreaSeries*>(chart.series().first());
        QVERIFY(panic);
        QCOMPARE(panic->upperSeries()->count(), 4 * run.panicPeriods.size());
        QCOMPARE(panic->brush().color().alpha() < 255, true);
        auto* cold = qobject_cast<QScatterSeries*>(chart.series().last());
        QVERIFY(cold);
        QCOMPARE(cold->points(), (QList<QPointF>{{3, 0}, {22, 0}, {23, 0}, {25, 0}}));
        QCOMPARE(axisOf(chart, Qt::Vertical)->titleText(), QStringLiteral("Pods (count)"));
        // Step shape: every sample after the first adds a corner, plus the carry to the run's end.
        QCOMPARE(xySeries(chart, QStringLiteral("actual"))->count(), 2 * run.actualPods.size());

        QChart two;
        ui::populateChart(two, ChartKind::Pods, {run, autoscalingRun(QStringLiteral("B"), 30)});
        QCOMPARE(two.series().size(), 12);
        QVERIFY(namesOf(two).contains(QStringLiteral("B panic")));
    }

    void traceBreakdownStacksKnownHops() {
        const RunSeries run = autoscalingRun(QStringLiteral("A"), 10);
        QChart chart;
        ui::populateChart(chart, ChartKind::TraceBreakdown, {run});
        auto* bars = qobject_cast<QHorizontalStackedBarSeries*>(chart.series().first());
        QVERIFY(bars);
        QStringList sets;
        for (QBarSet* set : bars->barSets())
            sets.append(set->label());
        QCOMPARE(sets,
                 (QStringList{QStringLiteral("ingress"), QStringLiteral("activator wait"), QStringLiteral("queue wait"),
                              QStringLiteral("handover"), QStringLiteral("function")}));
        // Horizontal bars list categories bottom-up: reversed, cold reads first from the top.
        auto* categories = qobject_cast<QBarCategoryAxis*>(axisOf(chart, Qt::Vertical));
        QCOMPARE(categories->categories(), (QStringList{QStringLiteral("warm"), QStringLiteral("cold")}));
        QCOMPARE(bars->barSets()[1]->at(1), 820.0); // cold: activator wait
        QCOMPARE(bars->barSets()[1]->at(0), 0.0);   // warm: unknown, adds nothing
        QCOMPARE(axisOf(chart, Qt::Horizontal)->titleText(), QStringLiteral("Time per hop (ms)"));

        RunSeries noQueue = run;
        for (trace::TraceBreakdown& b : noQueue.breakdown)
            b.median.queueWaitMs = -1;
        QChart two;
        RunSeries other = noQueue;
        other.label = QStringLiteral("B");
        ui::populateChart(two, ChartKind::TraceBreakdown, {noQueue, other});
        bars = qobject_cast<QHorizontalStackedBarSeries*>(two.series().first());
        QCOMPARE(bars->count(), 4); // queue wait unknown everywhere: no bar set
        QCOMPARE(qobject_cast<QBarCategoryAxis*>(axisOf(two, Qt::Vertical))->count(), 4);
    }

    void podResourcesUseTwoValueAxes() {
        const RunSeries run = autoscalingRun(QStringLiteral("A"), 30);
        QChart chart;
        ui::populateChart(chart, ChartKind::PodResources, {run});
        QCOMPARE(namesOf(chart), (QStringList{QStringLiteral("CPU"), QStringLiteral("memory")}));
        const QList<QAbstractAxis*> vertical = chart.axes(Qt::Vertical);
        QCOMPARE(vertical.size(), 2);
        QCOMPARE(vertical[0]->titleText(), QStringLiteral("CPU (millicores)"));
        QCOMPARE(vertical[1]->titleText(), QStringLiteral("Memory (MiB)"));
        QCOMPARE(xySeries(chart, QStringLiteral("memory"))->attachedAxes().contains(vertical[1]), true);
        QCOMPARE(xySeries(chart, QStringLiteral("CPU"))->points(), run.cpuMillicores);
    }

    void inPlaceUpdateKeepsSeriesAndZoom() {
        QChart chart;
        ui::populateChart(chart, ChartKind::Percentiles, {autoscalingRun(QStringLiteral("A"), 30)});
        const QList<QAbstractSeries*> before = chart.series();
        auto* x = qobject_cast<QValueAxis*>(axisOf(chart, Qt::Horizontal));
        auto* y = qobject_cast<QValueAxis*>(axisOf(chart, Qt::Vertical));
        QCOMPARE(x->max(), 30.0);
        x->setRange(10, 20); // the user zoomed
        ui::populateChart(chart, ChartKind::Percentiles, {autoscalingRun(QStringLiteral("A"), 80)});
        QCOMPARE(chart.series(), before);
        QCOMPARE(axisOf(chart, Qt::Horizontal), x);
        QCOMPARE(qobject_cast<QXYSeries*>(before.first())->count(), 80);
        QCOMPARE(x->min(), 10.0);
        QCOMPARE(x->max(), 20.0);
        QVERIFY(ui::charts::chartZoomed(chart));
        ui::charts::resetChartZoom(chart);
        QCOMPARE(x->min(), 0.0);
        QCOMPARE(x->max(), 80.0);
        QVERIFY(!ui::charts::chartZoomed(chart));
        QVERIFY(y->max() > 0);
        // Not zoomed: the next update follows the data.
        ui::populateChart(chart, ChartKind::Percentiles, {autoscalingRun(QStringLiteral("A"), 100)});
        QCOMPARE(x->max(), 100.0);
        QCOMPARE(chart.series(), before);
    }

    void inPlaceUpdateOfEveryXYKind() {
        for (ChartKind kind : {ChartKind::LatencyHistogram, ChartKind::LatencyCdf, ChartKind::Throughput,
                               ChartKind::Pods, ChartKind::PodResources, ChartKind::TraceBreakdown}) {
            QChart chart;
            ui::populateChart(chart, kind, {autoscalingRun(QStringLiteral("A"), 40)});
            const QList<QAbstractSeries*> before = chart.series();
            ui::populateChart(chart, kind, {autoscalingRun(QStringLiteral("A"), 50)});
            QVERIFY2(chart.series() == before, qPrintable(ui::chartFileStem(kind)));
        }
    }

    void rebuildKeepsZoomAndHiddenSeries() {
        QChart chart;
        RunSeries run = autoscalingRun(QStringLiteral("A"), 10); // no errors yet
        ui::populateChart(chart, ChartKind::Throughput, {run});
        QCOMPARE(chart.series().size(), 2);
        xySeries(chart, QStringLiteral("target"))->setVisible(false);
        axisOf(chart, Qt::Horizontal)->setRange(2, 6);
        run = autoscalingRun(QStringLiteral("A"), 40); // an error kind appears: new series, rebuilt chart
        ui::populateChart(chart, ChartKind::Throughput, {run});
        QCOMPARE(chart.series().size(), 3);
        QVERIFY(!xySeries(chart, QStringLiteral("target"))->isVisible());
        auto* x = qobject_cast<QValueAxis*>(axisOf(chart, Qt::Horizontal));
        QCOMPARE(x->min(), 2.0);
        QCOMPARE(x->max(), 6.0);
    }

    void notesForMissingData() {
        QChart chart;
        ui::populateChart(chart, ChartKind::Pods, {unsupportedRun()});
        QCOMPARE(ui::charts::chartNote(chart), QStringLiteral("Pod counts not available on openwhisk"));
        QVERIFY(noteItemShows(chart, QStringLiteral("Pod counts not available on openwhisk")));
        QVERIFY(chart.series().isEmpty());
        QVERIFY(chart.axes().isEmpty());
        ui::populateChart(chart, ChartKind::PodResources, {unsupportedRun()});
        QCOMPARE(ui::charts::chartNote(chart), QStringLiteral("Pod CPU and memory not available on openwhisk"));
        ui::populateChart(chart, ChartKind::TraceBreakdown, {unsupportedRun()});
        QCOMPARE(ui::charts::chartNote(chart), QStringLiteral("Traces not available on openwhisk"));

        ui::RunSeriesBuilder live;
        live.setDescription(QStringLiteral("A"), QStringLiteral("autoscaling"), QStringLiteral("local"));
        live.setStatus(QStringLiteral("running"));
        live.setCapabilities(true, true, true);
        for (ChartKind kind : ui::kAllChartKinds) {
            ui::populateChart(chart, kind, {live.series()});
            QCOMPARE(ui::charts::chartNote(chart), QStringLiteral("Waiting for data…"));
            QVERIFY(noteItemShows(chart, QStringLiteral("Waiting for data…")));
        }
        // During the warm-up only the time series have data; the distributions say why they are empty.
        load::IntervalSnapshot warm;
        warm.endMs = 1000;
        warm.warmup = true;
        warm.requests = 5;
        warm.achievedRate = 5;
        live.addInterval(warm);
        ui::populateChart(chart, ChartKind::LatencyCdf, {live.series()});
        QVERIFY(ui::charts::chartNote(chart).startsWith(QStringLiteral("Warm-up")));
        ui::populateChart(chart, ChartKind::Percentiles, {live.series()});
        QVERIFY(ui::charts::chartNote(chart).isEmpty());
        // Data arrive: the note goes away and the axes appear.
        ui::populateChart(chart, ChartKind::PodResources, {autoscalingRun(QStringLiteral("A"), 5)});
        QVERIFY(ui::charts::chartNote(chart).isEmpty());
        QVERIFY(!noteItemShows(chart, QStringLiteral("Waiting for data…")));
        QCOMPARE(chart.axes().size(), 3);
    }

    void singlePointAndNiceRanges() {
        ui::RunSeriesBuilder builder;
        load::IntervalSnapshot s;
        s.endMs = 1000;
        s.requests = 3; // an interval without responses has no latency point at all
        s.corrected = {5000, 5000, 5000, 5000, 5000};
        builder.addInterval(s);
        QChart chart;
        ui::populateChart(chart, ChartKind::Percentiles, {builder.series()});
        auto* series = xySeries(chart, QStringLiteral("p50"));
        QCOMPARE(series->count(), 1);
        QVERIFY(series->pointsVisible()); // a lone point is drawn as a marker
        auto* y = qobject_cast<QValueAxis*>(axisOf(chart, Qt::Vertical));
        QVERIFY(y->min() < 5 && y->max() > 5);
        QCOMPARE(ui::charts::niceRange(0, 83), std::make_pair(0.0, 90.0));
        QCOMPARE(ui::charts::niceRange(0, 70), std::make_pair(0.0, 70.0));
        QCOMPARE(ui::charts::niceRange(3, 3).first < 3, true);
        QCOMPARE(ui::charts::niceLogRange(0.37, 1200), std::make_pair(0.1, 10000.0));
        QCOMPARE(ui::charts::niceRange(7, 2).first <= 2, true);
    }

    void panelLegendTogglesSeries() {
        ui::ChartPanel panel(ChartKind::Percentiles);
        panel.resize(600, 400);
        panel.show();
        panel.setRuns({autoscalingRun(QStringLiteral("A"), 30)});
        QChart* chart = panel.chart();
        QXYSeries* p99 = xySeries(*chart, QStringLiteral("p99"));
        const QList<QLegendMarker*> markers = chart->legend()->markers(p99);
        QCOMPARE(markers.size(), 1);
        emit markers.first()->clicked();
        QVERIFY(!p99->isVisible());
        QCoreApplication::processEvents(); // the legend lays its markers out on the next event loop pass
        QVERIFY(markers.first()->isVisible());
        QVERIFY(markers.first()->font().strikeOut());
        panel.setRuns({autoscalingRun(QStringLiteral("A"), 40)}); // live update: stays hidden
        QVERIFY(!p99->isVisible());
        emit markers.first()->clicked();
        QVERIFY(p99->isVisible());
        QVERIFY(!markers.first()->font().strikeOut());
    }

    void panelResetZoomAndTooltip() {
        ui::ChartPanel panel(ChartKind::Percentiles);
        panel.resize(700, 450);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setRuns({autoscalingRun(QStringLiteral("A"), 60)});
        QChart* chart = panel.chart();
        auto* x = qobject_cast<QValueAxis*>(axisOf(*chart, Qt::Horizontal));
        QCOMPARE(x->max(), 60.0);
        QToolButton* reset = nullptr;
        for (QToolButton* button : panel.findChildren<QToolButton*>())
            if (button->text() == QStringLiteral("Reset zoom"))
                reset = button;
        QVERIFY(reset && !reset->isEnabled()); // nothing to reset yet
        chart->zoomIn();                       // halves the visible range
        QVERIFY(x->max() - x->min() < 59);
        QVERIFY(reset->isEnabled());
        panel.setRuns({autoscalingRun(QStringLiteral("A"), 70)});
        QVERIFY(x->max() - x->min() < 59); // live data keep the zoom
        reset->click();
        QCOMPARE(x->min(), 0.0);
        QCOMPARE(x->max(), 70.0);
        QVERIFY(!reset->isEnabled());

        auto* view = panel.findChild<ui::charts::ChartView*>();
        QVERIFY(view);
        chart->zoomIn();
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->viewport()->rect().center());
        QCOMPARE(x->max(), 70.0);

        QXYSeries* p99 = xySeries(*chart, QStringLiteral("p99"));
        const QPointF point = p99->at(30);
        const QPoint viewPos = view->mapFromScene(chart->mapToPosition(point, p99));
        const QString tip = view->toolTipAt(viewPos);
        QVERIFY2(tip.startsWith(QStringLiteral("p")) && tip.contains(QStringLiteral(" ms at ")) &&
                     tip.endsWith(QStringLiteral(" s")),
                 qPrintable(tip));
        QCOMPARE(view->toolTipAt(QPoint(1, 1)), QString());
    }

    void toolTipsNameValuesWithUnits_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("series");
        QTest::addColumn<QString>("expected");
        QTest::addRow("percentiles") << int(ChartKind::Percentiles) << QStringLiteral("p99")
                                     << QStringLiteral("p99: %1 ms at 10 s");
        QTest::addRow("throughput") << int(ChartKind::Throughput) << QStringLiteral("achieved")
                                    << QStringLiteral("achieved: %1 req/s at 10 s");
        QTest::addRow("pods") << int(ChartKind::Pods) << QStringLiteral("cold start")
                              << QStringLiteral("cold start at 3 s");
        QTest::addRow("cpu") << int(ChartKind::PodResources) << QStringLiteral("CPU")
                             << QStringLiteral("CPU: %1 millicores at 11.5 s");
        QTest::addRow("memory") << int(ChartKind::PodResources) << QStringLiteral("memory")
                                << QStringLiteral("memory: %1 MiB at 11.5 s");
    }
    void toolTipsNameValuesWithUnits() {
        QFETCH(int, kind);
        QFETCH(QString, series);
        QFETCH(QString, expected);
        QChart chart;
        ui::populateChart(chart, static_cast<ChartKind>(kind), {autoscalingRun(QStringLiteral("A"), 30)});
        QXYSeries* xy = xySeries(chart, series);
        QVERIFY(xy);
        const QPointF point = xy->at(xy->count() > 9 ? 9 : 0);
        QCOMPARE(ui::charts::pointToolTip(*xy, point),
                 expected.contains(QStringLiteral("%1")) ? expected.arg(ui::charts::formatValue(point.y())) : expected);
        QChart cdf;
        ui::populateChart(cdf, ChartKind::LatencyCdf, {autoscalingRun(QStringLiteral("A"), 30)});
        QVERIFY(ui::charts::pointToolTip(*xySeries(cdf, QStringLiteral("A")), QPointF(12.5, 0.5))
                    .startsWith(QStringLiteral("A: 50 % of requests ≤ 12.5 ms")));
        QCOMPARE(ui::charts::formatValue(1234.4), QStringLiteral("1234"));
        QCOMPARE(ui::charts::formatValue(12.34), QStringLiteral("12.3"));
        QCOMPARE(ui::charts::formatValue(0.1234), QStringLiteral("0.123"));
    }

    void panelWheelZoomPanAndOptions() {
        ui::ChartPanel panel(ChartKind::Throughput);
        panel.resize(700, 450);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setRuns({autoscalingRun(QStringLiteral("A"), 100)});
        QChart* chart = panel.chart();
        auto* view = panel.findChild<ui::charts::ChartView*>();
        auto* x = qobject_cast<QValueAxis*>(axisOf(*chart, Qt::Horizontal));
        QCOMPARE(x->max(), 100.0);
        // Wheel up over 75 s zooms in around it: 75 s stays under the cursor.
        const QPointF anchor = chart->mapToPosition(QPointF(75, 100), chart->series().first());
        const QPoint viewPos = view->mapFromScene(chart->mapToScene(anchor));
        QWheelEvent wheel(viewPos, view->viewport()->mapToGlobal(viewPos), {}, QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view->viewport(), &wheel);
        QVERIFY2(x->max() - x->min() < 90, qPrintable(QStringLiteral("%1..%2").arg(x->min()).arg(x->max())));
        QVERIFY(std::abs(chart->mapToValue(anchor, chart->series().first()).x() - 75) < 1);
        // Shift + drag pans: the span stays, the range moves.
        const double span = x->max() - x->min(), minBefore = x->min();
        QTest::mousePress(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, viewPos);
        QTest::mouseMove(view->viewport(), viewPos + QPoint(60, 0));
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, Qt::ShiftModifier, viewPos + QPoint(60, 0));
        QVERIFY(std::abs((x->max() - x->min()) - span) < 1e-6);
        QVERIFY2(x->min() < minBefore, qPrintable(QString::number(x->min()))); // dragged right: earlier times
        panel.resetZoom();
        QCOMPARE(x->max(), 100.0);

        auto* log = [&]() -> QToolButton* {
            for (QToolButton* button : panel.findChildren<QToolButton*>())
                if (button->text() == QStringLiteral("Log scale"))
                    return button;
            return nullptr;
        }();
        QVERIFY(log && log->isVisibleTo(&panel));
        log->click();
        QVERIFY(panel.options().logY);
        QVERIFY(qobject_cast<QLogValueAxis*>(axisOf(*chart, Qt::Vertical)));
        for (QToolButton* button : panel.findChildren<QToolButton*>())
            if (button->text() == QStringLiteral("Service time"))
                QVERIFY(!button->isVisibleTo(&panel)); // throughput has no latency to switch
    }

    void screenshots() {
        for (test::Theme theme : {test::Theme::Light, test::Theme::Dark}) {
            test::applyTheme(theme);
            QWidget window;
            auto* grid = new QGridLayout(&window);
            grid->setContentsMargins(6, 6, 6, 6);
            grid->setSpacing(6);
            const QList<RunSeries> runs{autoscalingRun(QStringLiteral("autoscale · 010.sleep · python"), 120)};
            const ChartKind kinds[] = {ChartKind::Percentiles,   ChartKind::Throughput,       ChartKind::Pods,
                                       ChartKind::PodResources,  ChartKind::LatencyHistogram, ChartKind::LatencyCdf,
                                       ChartKind::TraceBreakdown};
            int cell = 0;
            for (ChartKind kind : kinds) {
                auto* panel = new ui::ChartPanel(kind, &window);
                panel->setRuns(runs);
                grid->addWidget(panel, cell / 4, cell % 4);
                ++cell;
            }
            auto* unsupported = new ui::ChartPanel(ChartKind::Pods, &window);
            unsupported->setRuns({unsupportedRun()});
            grid->addWidget(unsupported, 1, 3);
            window.resize(1400, 900);
            const QString name =
                theme == test::Theme::Light ? QStringLiteral("charts-light") : QStringLiteral("charts-dark");
            QVERIFY(QFile::exists(test::saveScreenshot(window, name)));
        }
        test::applyTheme(test::Theme::Light);
    }

    // Two runs overlaid (compare view), log scales and service time switched on where they exist.
    void compareScreenshot() {
        test::applyTheme(test::Theme::Light);
        QWidget window;
        auto* grid = new QGridLayout(&window);
        const QList<RunSeries> runs{autoscalingRun(QStringLiteral("knative · python"), 120),
                                    autoscalingRun(QStringLiteral("local · python"), 90, 0.6, 5)};
        int cell = 0;
        for (ChartKind kind : ui::kAllChartKinds) {
            auto* panel = new ui::ChartPanel(kind, &window);
            panel->setRuns(runs);
            panel->setOptions({kind == ChartKind::LatencyCdf, kind != ChartKind::LatencyCdf});
            grid->addWidget(panel, cell / 4, cell % 4);
            ++cell;
        }
        window.resize(1400, 900);
        QVERIFY(QFile::exists(test::saveScreenshot(window, QStringLiteral("charts-compare-light"))));
        // A narrow legend elides the run label in the middle but keeps which line it is.
        auto* percentiles = window.findChildren<ui::ChartPanel*>()[2];
        QCOMPARE(percentiles->kind(), ChartKind::Percentiles);
        const QList<QLegendMarker*> markers = percentiles->chart()->legend()->markers();
        QCOMPARE(markers.size(), 8);
        QVERIFY2(markers[2]->label().endsWith(QStringLiteral(" p99")), qPrintable(markers[2]->label()));
        QCOMPARE(markers[2]->series()->name(), QStringLiteral("knative · python p99"));
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
