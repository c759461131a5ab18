# bench_load_variation: what per-request variation (RequestSpec::variation) costs the load engine.
add_executable(bench_load_variation ${CMAKE_CURRENT_LIST_DIR}/bench_load_variation.cpp)
target_link_libraries(bench_load_variation PRIVATE faaswb_core faaswb_warnings)
set_target_properties(bench_load_variation PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
