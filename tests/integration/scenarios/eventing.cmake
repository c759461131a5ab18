# The eventing scenario: event stream, stats replies and tally, then the Runner on an embedded local platform.
faaswb_add_qtest(tst_scenario_eventing LABEL integration SOURCES tst_scenario_eventing.cpp TIMEOUT 120)
add_dependencies(tst_scenario_eventing faaswb-function-host)
