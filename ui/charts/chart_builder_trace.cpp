// Trace breakdown: median time per hop (ms) of each request class, as horizontal stacked bars.
#include "ui/charts/chart_specs.h"

#include <algorithm>

namespace faaswb::ui::charts {
namespace {

struct Hop {
    const char* name;
    double trace::HopTimes::*ms;
    int color;
};
const Hop kHops[] = {
    {"ingress", &trace::HopTimes::ingressMs, 9},      {"activator wait", &trace::HopTimes::activatorWaitMs, 3},
    {"queue wait", &trace::HopTimes::queueWaitMs, 1}, {"init", &trace::HopTimes::initMs, 7},
    {"handover", &trace::HopTimes::handoverMs, 5},    {"function", &trace::HopTimes::functionMs, 0}};

QString elided(const QString& text, int length) {
    return text.size() <= length ? text : text.left(length - 1) + QStringLiteral("…");
}

} // namespace

ChartSpec traceBreakdownSpec(const QList<RunSeries>& runs) {
    ChartSpec spec;
    spec.title = titleWithDetail(QStringLiteral("Trace breakdown"), QStringLiteral("(median per request class)"));
    if (std::none_of(runs.begin(), runs.end(), [](const RunSeries& run) { return run.tracesSupported; })) {
        spec.note = unsupportedNote(QStringLiteral("Traces"), runs);
        return spec;
    }
    BarSpec bars;
    QList<const trace::HopTimes*> medians;
    for (const RunSeries& run : runs)
        for (const trace::TraceBreakdown& breakdown : run.breakdown) {
            const QString cls = QString::fromStdString(breakdown.requestClass);
            // The class first: a long run label is elided by the axis, the class must stay readable.
            QString category = runs.size() == 1 ? cls : cls + QStringLiteral(" · ") + elided(run.label, 28);
            while (bars.categories.contains(category)) // the axis merges equal categories
                category += QLatin1Char(' ');
            bars.categories.append(category);
            medians.append(&breakdown.median);
        }
    if (medians.isEmpty()) {
        spec.note = waitingNote(runs);
        return spec;
    }
    QList<qreal> totals(medians.size(), 0);
    for (const Hop& hop : kHops) {
        BarSpec::Set set{QString::fromLatin1(hop.name), seriesColor(hop.color), {}};
        bool known = false;
        for (qsizetype c = 0; c < medians.size(); ++c) {
            const double ms = medians[c]->*hop.ms;
            known = known || ms >= 0;
            set.values.append(std::max(ms, 0.0)); // unknown (-1) adds nothing to its bar
            totals[c] += std::max(ms, 0.0);
        }
        if (known)
            bars.sets.append(set);
    }
    const auto [min, max] = niceRange(0, std::max(*std::max_element(totals.begin(), totals.end()), 1e-3));
    spec.x = AxisSpec{QStringLiteral("Time per hop (ms)"), false, min, max};
    spec.y = AxisSpec{QStringLiteral("Request class"), false, 0, 1};
    spec.bars = bars;
    return spec;
}

} // namespace faaswb::ui::charts
