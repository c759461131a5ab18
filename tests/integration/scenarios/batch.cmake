faaswb_add_qtest(tst_scenario_batch LABEL integration SOURCES tst_scenario_batch.cpp LIBS SQLite::SQLite3 TIMEOUT 120)
add_dependencies(tst_scenario_batch faaswb-function-host)
