faaswb_add_qtest(tst_local_daemon LABEL integration SOURCES tst_local_daemon.cpp TIMEOUT 240)
faaswb_add_qtest(tst_local_eventing LABEL integration SOURCES tst_local_eventing.cpp TIMEOUT 180)
faaswb_add_qtest(tst_local_run LABEL integration SOURCES tst_local_run.cpp LIBS SQLite::SQLite3 TIMEOUT 150)
