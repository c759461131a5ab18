# OpenWhisk's action runtime protocol (POST /init, POST /run) on every language's wrapper (benchmarks/README.md).
faaswb_add_qtest(tst_openwhisk_protocol LABEL integration SOURCES tst_openwhisk_protocol.cpp wrapper_support.cpp
    LIBS Qt6::Network TIMEOUT 60)
add_dependencies(tst_openwhisk_protocol faaswb-function-host)
