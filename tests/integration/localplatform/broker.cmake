faaswb_add_qtest(tst_broker LABEL integration SOURCES tst_broker.cpp TIMEOUT 120)
