# faaswb-doc-screenshots: runs an experiment in the real main window (offscreen) and saves a page as PNG for the
# documentation (docs/tools/scenario-screenshots.sh). A tool, not a CTest test. It lives in <build>/bin so the embedded
# local platform finds faaswb-function-host beside it.
add_executable(faaswb-doc-screenshots doc_screenshots.cpp)
target_link_libraries(faaswb-doc-screenshots PRIVATE faaswb_ui faaswb_uitestsupport faaswb_warnings)
set_target_properties(faaswb-doc-screenshots PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
if(TARGET faaswb-function-host)
    add_dependencies(faaswb-doc-screenshots faaswb-function-host)
endif()
