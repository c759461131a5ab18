# Memory limits on the local platform (cgroup v2 where it can enforce them; the status says which).
faaswb_add_qtest(tst_memory_limit LABEL integration SOURCES tst_memory_limit.cpp TIMEOUT 120)
