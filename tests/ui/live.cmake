# Live room: the engine bridge (threads -> coalesced UI signals) and the dashboard driving a real run on the local
# platform. tst_dashboard runs from <build>/bin so the embedded local daemon finds faaswb-function-host beside it.
faaswb_add_qtest(tst_engine_bridge LABEL ui SOURCES tst_engine_bridge.cpp LIBS faaswb_ui faaswb_uitestsupport
                 TIMEOUT 60)
faaswb_add_qtest(tst_dashboard LABEL ui SOURCES tst_dashboard.cpp LIBS faaswb_ui faaswb_uitestsupport TIMEOUT 90)
set_target_properties(tst_dashboard PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
if(TARGET faaswb-function-host)
    add_dependencies(tst_dashboard faaswb-function-host)
endif()
