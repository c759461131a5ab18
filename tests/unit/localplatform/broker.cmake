faaswb_add_qtest(tst_cloudevent LABEL unit SOURCES tst_cloudevent.cpp)
