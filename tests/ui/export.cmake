# Offscreen chart exports (PNG/SVG/PDF) of stored runs and the self-contained HTML report.
faaswb_add_qtest(tst_chart_export LABEL ui SOURCES tst_chart_export.cpp LIBS faaswb_ui faaswb_uitestsupport TIMEOUT 60)
