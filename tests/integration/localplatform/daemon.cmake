faaswb_add_qtest(tst_local_daemon LABEL integration SOURCES tst_local_daemon.cpp LIBS CURL::libcurl TIMEOUT 240)
faaswb_add_qtest(tst_local_eventing LABEL integration SOURCES tst_local_eventing.cpp LIBS CURL::libcurl TIMEOUT 180)
