# Setup room: the experiment document (YAML text as the source of truth) and the setup page over it.
faaswb_add_qtest(tst_experiment_document LABEL ui SOURCES tst_experiment_document.cpp LIBS faaswb_ui)
faaswb_add_qtest(tst_setup_page LABEL ui SOURCES tst_setup_page.cpp LIBS faaswb_ui faaswb_uitestsupport Qt6::Network)
