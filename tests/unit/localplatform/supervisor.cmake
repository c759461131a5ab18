faaswb_add_qtest(tst_image_resolve LABEL unit SOURCES tst_image_resolve.cpp)
