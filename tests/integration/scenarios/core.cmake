# warm-latency sweeps with repeats and thresholds, cold-start, concurrency-one and autoscaling on the embedded local
# platform, through engine::Runner.
faaswb_add_qtest(tst_scenario_core LABEL integration SOURCES tst_scenario_core.cpp TIMEOUT 240)
add_dependencies(tst_scenario_core faaswb-function-host)
