#include "common/yaml_documents.h"

#include <sstream>
#include <yaml-cpp/eventhandler.h>

namespace faaswb {
namespace {

// Notes where each document starts and whether it held anything but one null node. The stuck parser yields
// content-free documents that all start at the same place, so a second such document in a row means no progress.
class ProgressCheck final : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override {
        m_start = mark;
        m_events = 0;
        m_onlyNull = true;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override { ++m_events; }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { content(); }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { content(); }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        content();
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        content();
    }
    void OnMapEnd() override {}

    bool empty() const { return m_onlyNull && m_events <= 1; }
    const YAML::Mark& start() const { return m_start; }

private:
    void content() {
        ++m_events;
        m_onlyNull = false;
    }

    YAML::Mark m_start = YAML::Mark::null_mark();
    int m_events = 0;
    bool m_onlyNull = true;
};

// Walks the documents once without building nodes; throws where the parser stops advancing.
void checkTerminates(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    ProgressCheck check;
    bool previousEmpty = false;
    int previousPos = -1;
    while (parser.HandleNextDocument(check)) {
        const bool stuck = check.empty() && previousEmpty && check.start().pos == previousPos;
        if (stuck)
            throw YAML::ParserException(check.start(), "cannot parse the YAML from here on");
        previousEmpty = check.empty();
        previousPos = check.start().pos;
    }
}

} // namespace

std::vector<YAML::Node> loadYamlDocuments(const std::string& text) {
    checkTerminates(text);
    return YAML::LoadAll(text); // the same parse, now known to end
}

} // namespace faaswb
