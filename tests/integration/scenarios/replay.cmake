# trace-replay end to end on an embedded local platform through engine::Runner: intended send times follow the
# trace, the scenario's metrics are reported. (The trace parsing itself: tests/unit/engine/tst_arrival_trace.)
faaswb_add_qtest(tst_scenario_replay LABEL integration SOURCES tst_scenario_replay.cpp TIMEOUT 120)
add_dependencies(tst_scenario_replay faaswb-function-host)
