# Room ui/results: the results browser (runs table, filters, detail, delete, export) and the compare page.
faaswb_add_qtest(tst_results_page LABEL ui SOURCES tst_results_page.cpp LIBS faaswb_ui faaswb_uitestsupport TIMEOUT 60)
faaswb_add_qtest(tst_compare_page LABEL ui SOURCES tst_compare_page.cpp LIBS faaswb_ui faaswb_uitestsupport TIMEOUT 60)
