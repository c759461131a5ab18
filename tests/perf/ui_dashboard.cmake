# What the live dashboard costs a run (UI stalls, peak RSS, throughput vs headless); needs the GUI library and the
# loopback target server beside it in <build>/bin. Run by hand: bin/bench_ui_dashboard --rate 20000 --duration 30s
if(FAASWB_BUILD_GUI)
    add_executable(bench_ui_dashboard bench_ui_dashboard.cpp)
    target_link_libraries(bench_ui_dashboard PRIVATE faaswb_ui faaswb_core Qt6::Widgets faaswb_warnings)
    target_compile_definitions(bench_ui_dashboard PRIVATE QT_NO_CAST_FROM_ASCII)
    set_target_properties(bench_ui_dashboard PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin AUTOMOC ON)
    add_dependencies(bench_ui_dashboard faaswb-target)
endif()
