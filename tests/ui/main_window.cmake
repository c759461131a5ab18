# The main window: open/save/recent/drag and drop, a run from the GUI end to end, screenshots of every page; and the
# command line's chart exports (run --out, export --format png|svg|pdf|html) through the same chart code.
faaswb_add_qtest(tst_main_window LABEL ui SOURCES tst_main_window.cpp LIBS faaswb_ui faaswb_uitestsupport TIMEOUT 120)
faaswb_add_qtest(tst_cli_charts LABEL ui SOURCES tst_cli_charts.cpp LIBS faaswb_uitestsupport TIMEOUT 120)
