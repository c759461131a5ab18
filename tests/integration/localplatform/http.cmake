faaswb_add_qtest(tst_http LABEL integration SOURCES tst_http.cpp TIMEOUT 60)
