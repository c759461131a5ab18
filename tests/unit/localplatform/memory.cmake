faaswb_add_qtest(tst_memory_cgroup LABEL unit SOURCES tst_memory_cgroup.cpp)
