# The orphan driver is a separate process the test SIGKILLs: its instances must die with it (PR_SET_PDEATHSIG).
add_executable(supervisor_orphan_driver supervisor_orphan_driver.cpp)
target_link_libraries(supervisor_orphan_driver PRIVATE faaswb_core faaswb_warnings)

faaswb_add_qtest(tst_supervisor LABEL integration SOURCES tst_supervisor.cpp TIMEOUT 120)
add_dependencies(tst_supervisor supervisor_orphan_driver faaswb-function-host)
target_compile_definitions(tst_supervisor PRIVATE
    SUPERVISOR_ORPHAN_DRIVER="$<TARGET_FILE:supervisor_orphan_driver>")
