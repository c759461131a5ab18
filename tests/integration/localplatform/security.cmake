# Security checks (issue 8): listeners on loopback only, no inherited secrets in instances, image references that
# cannot leave the benchmarks root, warnings when a server is told to bind elsewhere.
faaswb_add_qtest(tst_security_listeners LABEL integration
    SOURCES tst_security_listeners.cpp ../benchmarks/wrapper_support.cpp LIBS Qt6::Network TIMEOUT 90)
add_dependencies(tst_security_listeners faaswb-function-host faaswb-target faas-workbench)
faaswb_add_qtest(tst_security_crash_output LABEL integration SOURCES tst_security_crash_output.cpp LIBS Qt6::Network
    TIMEOUT 90)
add_dependencies(tst_security_crash_output faas-workbench)
faaswb_add_qtest(tst_security_tls LABEL integration SOURCES tst_security_tls.cpp LIBS SQLite::SQLite3 TIMEOUT 90)
add_dependencies(tst_security_tls faas-workbench)
