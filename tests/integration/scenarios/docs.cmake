# docs/scenarios.md lists every metric of the catalogue with its unit, so the documentation cannot drift.
faaswb_add_qtest(tst_metric_docs LABEL unit SOURCES tst_metric_docs.cpp)
