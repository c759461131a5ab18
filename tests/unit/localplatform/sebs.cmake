# SeBS-layout functions: local-path images, requirements.txt parsing and the python3 importability check.
faaswb_add_qtest(tst_sebs_function LABEL unit SOURCES tst_sebs_function.cpp)
