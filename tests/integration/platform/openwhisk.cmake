# The openwhisk adapter against a fake OpenWhisk controller (Boost.Beast on a thread of the test process).
add_library(faaswb_fake_openwhisk STATIC ${CMAKE_CURRENT_LIST_DIR}/fake_openwhisk_server.cpp)
target_include_directories(faaswb_fake_openwhisk PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(faaswb_fake_openwhisk PUBLIC nlohmann_json::nlohmann_json
                      PRIVATE faaswb_core Boost::headers Threads::Threads faaswb_warnings)

faaswb_add_qtest(tst_openwhisk_adapter LABEL integration SOURCES tst_openwhisk_adapter.cpp
                 LIBS faaswb_fake_openwhisk TIMEOUT 60)
