# Faults (issue 8): a function instance SIGKILLed under load, the platform daemon lost mid-run, a target that breaks
# HTTP. Each starts and cleans up its own processes.
faaswb_add_qtest(tst_fault_instance_kill LABEL integration SOURCES tst_fault_instance_kill.cpp TIMEOUT 60)
add_dependencies(tst_fault_instance_kill faaswb-function-host)
faaswb_add_qtest(tst_fault_platform_lost LABEL integration SOURCES tst_fault_platform_lost.cpp TIMEOUT 60)
add_dependencies(tst_fault_platform_lost faaswb-function-host faas-workbench)
faaswb_add_qtest(tst_fault_protocol LABEL integration SOURCES tst_fault_protocol.cpp TIMEOUT 30)
