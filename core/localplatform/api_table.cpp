#include "localplatform/api_table.h"

#include "kube/credentials.h"
#include "localplatform/api_common.h"

#include <algorithm>
#include <functional>
#include <utility>

namespace faaswb::localplatform::api {
namespace {

using Now = std::chrono::system_clock::time_point;
using Cell = std::function<Json(const Json& object, Now now)>;

struct Column {
    std::string name;
    std::string type; // "string", "integer"
    std::string description;
    Cell cell;
};

const Json& at(const Json& object, std::initializer_list<const char*> path) {
    static const Json null;
    const Json* current = &object;
    for (const char* key : path) {
        if (!current->is_object() || !current->contains(key))
            return null;
        current = &(*current)[key];
    }
    return *current;
}

std::string text(const Json& value) {
    return value.is_string() ? value.get<std::string>() : std::string();
}

Json condition(const Json& object, const std::string& type) {
    const Json& conditions = at(object, {"status", "conditions"});
    if (conditions.is_array()) {
        for (const auto& entry : conditions) {
            if (text(at(entry, {"type"})) == type)
                return entry;
        }
    }
    return Json::object();
}

Json conditionField(const Json& object, const char* field) {
    return text(at(condition(object, "Ready"), {field}));
}

Column nameColumn() {
    return {"Name", "string", "Name must be unique within a namespace.", [](const Json& object, Now) {
                return text(at(object, {"metadata", "name"}));
            }};
}

Column ageColumn() {
    return {"Age", "string", "Time since the object was created.", [](const Json& object, Now now) {
                return ageOf(text(at(object, {"metadata", "creationTimestamp"})), now);
            }};
}

Column statusColumn(std::string name, std::initializer_list<const char*> path) {
    std::vector<const char*> keys{"status"};
    keys.insert(keys.end(), path.begin(), path.end());
    return {std::move(name), "string", "", [keys](const Json& object, Now) {
                const Json* current = &object;
                for (const char* key : keys) {
                    if (!current->is_object() || !current->contains(key))
                        return Json("");
                    current = &(*current)[key];
                }
                return current->is_string() ? *current : Json(current->dump());
            }};
}

Column readyColumns(bool reason) {
    if (reason)
        return {"Reason", "string", "", [](const Json& object, Now) { return conditionField(object, "reason"); }};
    return {"Ready", "string", "", [](const Json& object, Now) { return conditionField(object, "status"); }};
}

// (ready containers, restarts)
std::pair<int, int> readyContainers(const Json& pod) {
    const Json& statuses = at(pod, {"status", "containerStatuses"});
    int ready = 0;
    int restarts = 0;
    if (statuses.is_array()) {
        for (const auto& status : statuses) {
            ready += at(status, {"ready"}) == true ? 1 : 0;
            restarts += at(status, {"restartCount"}).is_number_integer() ? at(status, {"restartCount"}).get<int>() : 0;
        }
    }
    return {ready, restarts};
}

std::vector<Column> podColumns() {
    return {
        nameColumn(),
        {"Ready", "string", "The aggregate readiness state of this pod for accepting traffic.",
         [](const Json& pod, Now) {
             const Json& containers = at(pod, {"spec", "containers"});
             const Json& statuses = at(pod, {"status", "containerStatuses"});
             const auto total = containers.is_array() ? containers.size() : statuses.is_array() ? statuses.size() : 0;
             return std::to_string(readyContainers(pod).first) + "/" + std::to_string(total);
         }},
        {"Status", "string", "The aggregate status of the containers in this pod.",
         [](const Json& pod, Now) {
             if (!at(pod, {"metadata", "deletionTimestamp"}).is_null())
                 return std::string("Terminating");
             const std::string reason = text(at(pod, {"status", "reason"}));
             return reason.empty() ? text(at(pod, {"status", "phase"})) : reason;
         }},
        {"Restarts", "integer", "The number of times the containers in this pod have been restarted.",
         [](const Json& pod, Now) { return readyContainers(pod).second; }},
        ageColumn()};
}

std::vector<Column> columnsFor(const ResourceType& type) {
    if (type.plural == "pods")
        return podColumns();
    if (type.plural == "services")
        return {nameColumn(),
                statusColumn("URL", {"url"}),
                statusColumn("LatestCreated", {"latestCreatedRevisionName"}),
                statusColumn("LatestReady", {"latestReadyRevisionName"}),
                readyColumns(false),
                readyColumns(true)};
    if (type.plural == "revisions")
        return {nameColumn(),
                {"Config Name", "string", "",
                 [](const Json& object, Now) {
                     return text(at(object, {"metadata", "labels", "serving.knative.dev/configuration"}));
                 }},
                readyColumns(false),
                readyColumns(true),
                statusColumn("Actual Replicas", {"actualReplicas"}),
                statusColumn("Desired Replicas", {"desiredReplicas"})};
    if (type.plural == "podautoscalers")
        return {nameColumn(), statusColumn("DesiredScale", {"desiredScale"}),
                statusColumn("ActualScale", {"actualScale"}), readyColumns(false), readyColumns(true)};
    return {nameColumn(), ageColumn()};
}

Json rowObject(const Json& object, IncludeObject include) {
    if (include == IncludeObject::Object)
        return object;
    return {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", metadataOf(object)}};
}

} // namespace

bool wantsTable(const std::string& accept) {
    return accept.find("as=Table") != std::string::npos;
}

IncludeObject includeObjectFrom(const std::string& parameter) {
    if (parameter == "None")
        return IncludeObject::None;
    return parameter == "Object" ? IncludeObject::Object : IncludeObject::Metadata;
}

std::string ageOf(const std::string& timestamp, Now now) {
    const auto created = kube::parseRfc3339(timestamp);
    if (!created)
        return "<unknown>";
    const long long seconds = std::chrono::duration_cast<std::chrono::seconds>(now - *created).count();
    if (seconds < -1)
        return "<invalid>";
    const auto two = [](long long big, const char* bigUnit, long long small, const char* smallUnit) {
        return std::to_string(big) + bigUnit + (small == 0 ? std::string() : std::to_string(small) + smallUnit);
    };
    const long long minutes = seconds / 60;
    const long long hours = seconds / 3600;
    if (seconds < 120)
        return std::to_string(std::max(seconds, 0LL)) + "s";
    if (minutes < 10)
        return two(minutes, "m", seconds % 60, "s");
    if (minutes < 180)
        return std::to_string(minutes) + "m";
    if (hours < 8)
        return two(hours, "h", minutes % 60, "m");
    if (hours < 48)
        return std::to_string(hours) + "h";
    if (hours < 24 * 8)
        return two(hours / 24, "d", hours % 24, "h");
    if (hours < 24 * 365 * 2)
        return std::to_string(hours / 24) + "d";
    if (hours < 24 * 365 * 8)
        return two(hours / 24 / 365, "y", (hours / 24) % 365, "d");
    return std::to_string(hours / 24 / 365) + "y";
}

Json makeTable(const ResourceType& type, const std::vector<Json>& objects, const std::string& resourceVersion,
               IncludeObject include, Now now) {
    const auto columns = columnsFor(type);
    Json definitions = Json::array();
    for (std::size_t i = 0; i < columns.size(); ++i) {
        definitions.push_back({{"name", columns[i].name},
                               {"type", columns[i].type},
                               {"format", i == 0 ? "name" : ""},
                               {"description", columns[i].description},
                               {"priority", 0}});
    }
    Json rows = Json::array();
    for (const auto& object : objects) {
        Json cells = Json::array();
        for (const auto& column : columns)
            cells.push_back(column.cell(object, now));
        Json row{{"cells", cells}};
        if (include != IncludeObject::None)
            row["object"] = rowObject(object, include);
        rows.push_back(std::move(row));
    }
    return {{"kind", "Table"},
            {"apiVersion", "meta.k8s.io/v1"},
            {"metadata", {{"resourceVersion", resourceVersion}}},
            {"columnDefinitions", definitions},
            {"rows", rows}};
}

} // namespace faaswb::localplatform::api
