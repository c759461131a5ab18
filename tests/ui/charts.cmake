# Room ui/charts: run series (builder, stored runs) and the chart builders and panel.
faaswb_add_qtest(tst_run_series LABEL ui SOURCES tst_run_series.cpp LIBS faaswb_ui faaswb_uitestsupport)
faaswb_add_qtest(tst_charts LABEL ui SOURCES tst_charts.cpp LIBS faaswb_ui faaswb_uitestsupport TIMEOUT 60)
