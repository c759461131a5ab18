# workflow-chain: the hop arithmetic (answers, traces, metrics) as a unit test; the scenario end to end on an
# embedded local platform (direct, serving and eventing chains of 700.chain) as an integration test.
faaswb_add_qtest(tst_chain_metrics LABEL unit SOURCES tst_chain_metrics.cpp)
faaswb_add_qtest(tst_scenario_chain LABEL integration SOURCES tst_scenario_chain.cpp TIMEOUT 120)
add_dependencies(tst_scenario_chain faaswb-function-host)
