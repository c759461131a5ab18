// batch (seed 001, the pull-based Benthos + Knative demo): records read from a source are sent K per request by T
// virtual users (closed loop, one request per batch), and the per-record verdicts go into a sink table on a writer
// thread while the load runs. The load workers only build bodies and parse small answers (RequestVariation).
#include "engine/batch_records.h"
#include "engine/scenario_driver.h"

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace faaswb::engine {
namespace {

constexpr std::size_t kFailureBodyChars = 200;

// Counts of one drive, shared by the load workers' onResponse calls.
struct BatchTally {
    std::uint64_t records = 0; // records whose verdicts came back
    std::uint64_t failedRecords = 0;
    std::string firstFailure;
};

// Request `index` carries records [index * K, index * K + K); its answer goes to the sink.
class BatchVariation final : public load::RequestVariation {
public:
    BatchVariation(std::shared_ptr<const std::vector<BatchRecord>> records, std::size_t batchSize,
                   std::shared_ptr<BatchSink> sink)
        : m_records(std::move(records))
        , m_batchSize(batchSize)
        , m_sink(std::move(sink)) {}

    bool prepare(std::uint64_t index, std::string& body, std::vector<std::pair<std::string, std::string>>&) override {
        if (index >= batchCount())
            return false;
        body = batchBody(*m_records, index * m_batchSize, m_batchSize);
        return true;
    }
    bool wantsResponses() const override { return true; }
    void onResponse(std::uint64_t index, int status, load::ErrorKind error, std::string_view body) override {
        const std::size_t count = recordsIn(index);
        if (error == load::ErrorKind::None && status < 400) {
            auto rows = parseBatchResponse(body, count);
            if (rows) {
                m_sink->push(std::move(*rows));
                std::lock_guard lock(m_mutex);
                m_tally.records += count;
                return;
            }
            return fail(count, "batch " + std::to_string(index) + ": " + rows.error().message);
        }
        fail(count, "batch " + std::to_string(index) + ": " + describeFailure(status, error, body));
    }

    std::uint64_t batchCount() const { return (m_records->size() + m_batchSize - 1) / m_batchSize; }
    BatchTally tally() const {
        std::lock_guard lock(m_mutex);
        return m_tally;
    }

private:
    std::size_t recordsIn(std::uint64_t index) const {
        const std::size_t first = index * m_batchSize;
        return first >= m_records->size() ? 0 : std::min(m_batchSize, m_records->size() - first);
    }
    static std::string describeFailure(int status, load::ErrorKind error, std::string_view body) {
        if (error != load::ErrorKind::None && error != load::ErrorKind::HttpStatus)
            return load::errorKindName(error);
        return "HTTP " + std::to_string(status) + " " + std::string(body.substr(0, kFailureBodyChars));
    }
    void fail(std::size_t count, std::string why) {
        std::lock_guard lock(m_mutex);
        m_tally.failedRecords += count;
        if (m_tally.firstFailure.empty())
            m_tally.firstFailure = std::move(why);
    }

    std::shared_ptr<const std::vector<BatchRecord>> m_records;
    std::size_t m_batchSize;
    std::shared_ptr<BatchSink> m_sink;
    mutable std::mutex m_mutex;
    BatchTally m_tally;
};

// A fresh file in the temporary folder for a sink the experiment did not name; removed at teardown.
Result<std::string> temporarySinkPath() {
    std::string path = (std::filesystem::temp_directory_path() / "faaswb-batch-sink-XXXXXX").string();
    const int fd = ::mkstemp(path.data());
    if (fd < 0)
        return internalError("cannot create a temporary file for the batch sink in " +
                             std::filesystem::temp_directory_path().string());
    ::close(fd);
    return path;
}

class BatchDriver final : public ScenarioDriver {
public:
    Status run(CellContext& cell) override;
    void teardown(CellContext&) override {
        if (m_temporarySink.empty())
            return;
        std::error_code ignored;
        std::filesystem::remove(m_temporarySink, ignored);
        std::filesystem::remove(m_temporarySink + "-journal", ignored);
    }

private:
    Result<std::shared_ptr<BatchSink>> openSink(const model::BatchConfig& config);
    static void report(CellContext& cell, const BatchTally& tally, std::uint64_t sinkRows, double seconds);

    std::string m_temporarySink;
};

Result<std::shared_ptr<BatchSink>> BatchDriver::openSink(const model::BatchConfig& config) {
    std::string path = config.sink;
    if (path.empty()) {
        auto temporary = temporarySinkPath();
        if (!temporary)
            return temporary.error();
        path = m_temporarySink = *temporary;
    }
    auto sink = BatchSink::open(path, config.sinkTable);
    if (!sink)
        return sink.error();
    return std::shared_ptr<BatchSink>(std::move(*sink));
}

Status BatchDriver::run(CellContext& cell) {
    const model::ScenarioConfig& scenario = cell.scenario();
    const model::BatchConfig& config = scenario.batch;
    cell.phase("batch: reading source");
    auto read = readBatchRecords(config, cell.stop());
    if (!read)
        return read.error();
    if (read->empty())
        return invalidInput("the batch source has no records");
    auto records = std::make_shared<const std::vector<BatchRecord>>(std::move(*read));
    auto sink = openSink(config);
    if (!sink)
        return sink.error();

    const auto batchSize = static_cast<std::size_t>(std::max(1, config.batchSize));
    auto variation = std::make_shared<BatchVariation>(records, batchSize, *sink);
    load::RequestSpec request = cell.request();
    request.variation = variation;
    // One request per batch; `duration`, when set, bounds the whole pass.
    load::LoadModel model =
        load::LoadModel::virtualUsers(std::max(1, config.workers), scenario.duration.value_or(load::Nanos{0}));
    model.maxRequests = variation->batchCount();
    cell.phase("batch: " + std::to_string(records->size()) + " records in " + std::to_string(variation->batchCount()) +
               " batches, " + std::to_string(config.workers) + " workers");
    auto drive = cell.drive(request, model, {});

    cell.phase("batch: writing sink");
    const Status written = (*sink)->finish();
    const double seconds = drive ? static_cast<double>(cell.elapsedMs() - drive->startMs) / 1000.0 : 0.0;
    const BatchTally tally = variation->tally();
    report(cell, tally, (*sink)->rowsWritten(), seconds);
    if (!drive)
        return drive.error();
    if (!written)
        return written;
    if (tally.records == 0 && tally.failedRecords > 0)
        return platformError("every batch failed; the first: " + tally.firstFailure);
    return {};
}

void BatchDriver::report(CellContext& cell, const BatchTally& tally, std::uint64_t sinkRows, double seconds) {
    auto& metrics = cell.metrics();
    metrics.set("records", static_cast<double>(tally.records));
    metrics.set("failed_records", static_cast<double>(tally.failedRecords));
    metrics.set("completion_seconds", seconds > 0 ? std::optional(seconds) : std::nullopt);
    metrics.set("records_per_second",
                seconds > 0 ? std::optional(static_cast<double>(tally.records) / seconds) : std::nullopt);
    metrics.set("sink_rows", static_cast<double>(sinkRows));
}

} // namespace

std::unique_ptr<ScenarioDriver> makeBatchDriver() {
    return std::make_unique<BatchDriver>();
}

} // namespace faaswb::engine
