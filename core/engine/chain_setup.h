// Workflow-chain wiring (docs/scenarios/workflow-chain.md): deploys steps 2..N beside the cell's function (step 1),
// and connects them per mechanism: instance URLs (direct), Service URLs (serving), or one Broker per hop with a
// Trigger to the next step and a SinkBinding giving each step K_SINK (eventing, eventing-serving).
// Called from the runner thread.
#pragma once

#include "common/result.h"
#include "engine/scenario_driver.h"
#include "model/experiment.h"
#include "platform/platform.h"

#include <string>
#include <vector>

namespace faaswb::engine::chain {

using Mechanism = model::ChainConfig::Mechanism;

constexpr const char* kServiceNameEnv = "FAASWB_SERVICE_NAME";
constexpr const char* kMinScaleAnnotation = "autoscaling.knative.dev/min-scale";
constexpr const char* kStepEventType = "dev.faaswb.chain.step"; // what 700.chain sends to K_SINK

bool isAsynchronous(Mechanism mechanism);
// Whether steps are addressed at their instances (bypassing the autoscaler, so they must not scale to zero).
bool addressesInstances(Mechanism mechanism);

// The function spec of step `step` (2..N): the cell's function renamed <name>-s<step>, with its own span service
// name, and min-scale 1 when its instances are addressed directly.
platform::FunctionSpec stepSpec(const platform::FunctionSpec& first, int step, Mechanism mechanism);

// Capabilities the mechanism needs on this platform; an error names what is missing.
Status checkPlatform(CellContext& cell, Mechanism mechanism);

// Deploys steps 2..N; [0] is the cell's own deployment.
Result<std::vector<platform::Deployment>> deploySteps(CellContext& cell);

// The address of step `deployment` as another step calls it: its instance (direct, eventing) or its Service
// (serving). Waits (with a deadline) for a ready instance.
Result<std::string> stepUrl(CellContext& cell, const platform::Deployment& deployment, Mechanism mechanism);

// Brokers, Triggers and SinkBindings for an asynchronous chain; then the steps' addresses are re-read, since a
// SinkBinding replaces the instances of the step it binds.
Status wireEventing(CellContext& cell, const std::vector<platform::Deployment>& steps, Mechanism mechanism);

} // namespace faaswb::engine::chain
