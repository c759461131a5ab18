// The `stages` of autoscaling and load scenarios: steps {rate, for}, linear ramps {from, to, for} and sine waves
// {sine: {mean, amplitude, period}, for}. A sine becomes linear ramps of period/16 each, so the load engine only
// ever sees steps and ramps.
#include "model/experiment_sections.h"

#include <cmath>
#include <numbers>

namespace faaswb::model {
namespace {

using namespace std::chrono_literals;

const Words kStageKeys{"rate", "from", "to", "sine", "for"};
const Words kSineKeys{"mean", "amplitude", "period"};
constexpr int kSegmentsPerPeriod = 16;
constexpr double kMaxSineSegments = 100'000;

bool has(const YamlReader& reader, const Field& field, std::string_view key) {
    return reader.child(field, key).present();
}

void readStageRates(YamlReader& reader, const Field& field, load::RateStage& stage) {
    const bool step = has(reader, field, "rate");
    const bool ramp = has(reader, field, "from") || has(reader, field, "to");
    if (step && ramp)
        reader.error(reader.child(field, "rate"), "give either 'rate' (a step) or 'from' and 'to' (a linear ramp)");
    else if (!step && !ramp)
        reader.error(field, "missing 'rate' (a step), 'from' and 'to' (a linear ramp) or 'sine'");
    else if (ramp && reader.require(field, "from"))
        reader.require(field, "to");
    if (const auto rate = reader.rate(reader.child(field, "rate"), true))
        stage.fromRps = stage.toRps = *rate;
    setIf(stage.fromRps, reader.rate(reader.child(field, "from"), true));
    setIf(stage.toRps, reader.rate(reader.child(field, "to"), true));
}

struct Sine {
    double mean = 0;
    double amplitude = 0;
    Nanos period{0};
    double at(Nanos t) const {
        return mean + amplitude * std::sin(2 * std::numbers::pi * static_cast<double>(t.count()) /
                                           static_cast<double>(period.count()));
    }
};

std::vector<load::RateStage> sineRamps(const Sine& sine, Nanos length) {
    std::vector<load::RateStage> ramps;
    const Nanos segment = sine.period / kSegmentsPerPeriod;
    for (Nanos start{0}; start < length; start += segment) {
        const Nanos end = std::min(start + segment, length);
        ramps.push_back({sine.at(start), sine.at(end), end - start});
    }
    return ramps;
}

std::optional<Sine> readSine(YamlReader& reader, const Field& field) {
    if (!reader.requiredMapping(field, kSineKeys))
        return std::nullopt;
    for (std::string_view key : kSineKeys)
        reader.require(field, key);
    const auto mean = reader.rate(reader.child(field, "mean"), true);
    const auto amplitude = reader.rate(reader.child(field, "amplitude"), true);
    const auto period = reader.duration(reader.child(field, "period"), 160ms);
    if (!mean || !amplitude || !period)
        return std::nullopt;
    if (*amplitude > *mean) {
        reader.error(reader.child(field, "amplitude"), "expected at most the mean (the rate cannot go below 0)");
        return std::nullopt;
    }
    return Sine{*mean, *amplitude, *period};
}

std::vector<load::RateStage> readSineStage(YamlReader& reader, const Field& field, std::optional<Nanos> length) {
    const Field sineField = reader.child(field, "sine");
    for (std::string_view key : {"rate", "from", "to"})
        if (has(reader, field, key))
            reader.error(reader.child(field, key), "'" + std::string(key) + "' cannot be combined with 'sine'");
    const auto sine = readSine(reader, sineField);
    if (!sine || !length)
        return {};
    if (static_cast<double>(length->count()) / static_cast<double>(sine->period.count()) * kSegmentsPerPeriod >
        kMaxSineSegments) {
        reader.error(reader.child(sineField, "period"), "the period is too short for the stage's length (more than " +
                                                            std::to_string(int(kMaxSineSegments)) + " ramps)");
        return {};
    }
    return sineRamps(*sine, *length);
}

std::vector<load::RateStage> readStage(YamlReader& reader, const Field& field) {
    if (!reader.requiredMapping(field, kStageKeys))
        return {};
    reader.require(field, "for", " (how long the stage lasts, e.g. 30s)");
    const auto length = reader.duration(reader.child(field, "for"), 1ms);
    if (has(reader, field, "sine"))
        return readSineStage(reader, field, length);
    load::RateStage stage;
    setIf(stage.duration, length);
    readStageRates(reader, field, stage);
    return {stage};
}

} // namespace

const Words& stageKeys() {
    return kStageKeys;
}

const Words& sineKeys() {
    return kSineKeys;
}

std::vector<load::RateStage> readStages(YamlReader& reader, const Field& field) {
    std::vector<load::RateStage> stages;
    if (!reader.nonEmptyList(field, "stage"))
        return stages;
    for (const Field& item : reader.items(field)) {
        const auto read = readStage(reader, item);
        stages.insert(stages.end(), read.begin(), read.end());
    }
    return stages;
}

} // namespace faaswb::model
