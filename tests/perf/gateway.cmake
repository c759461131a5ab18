# The gateway in front of one upstream, for tests/perf/gateway_overhead.sh.
add_executable(faaswb-gateway-bench bench_gateway.cpp)
target_link_libraries(faaswb-gateway-bench PRIVATE faaswb_core faaswb_warnings)
set_target_properties(faaswb-gateway-bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
