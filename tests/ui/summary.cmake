# The Summary view (ui/summary): the table over a real results DB with swept and repeated runs, the chart of a metric
# against the sweep variable with 95% CI bars, the workflow-chain grouped bars, and screenshots (summary-light,
# summary-dark, summary-chain); the offscreen summary-chart exports the command line uses.
faaswb_add_qtest(tst_summary_page LABEL ui SOURCES tst_summary_page.cpp LIBS faaswb_ui faaswb_uitestsupport TIMEOUT 60)
