# The installed-tree test: cpack -G DEB, unpack into a temporary root, run --version, validate and a 2-second
# headless quickstart from there, and validate the desktop entry, AppStream metainfo and MIME type. It packages
# the executables as built, so run it after building faas-workbench, faaswb-function-host and faaswb-target.
add_test(NAME packaging_installed_tree
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/installed_tree.sh ${PROJECT_BINARY_DIR} ${PROJECT_VERSION})
set_tests_properties(packaging_installed_tree PROPERTIES LABELS integration TIMEOUT 300 SKIP_RETURN_CODE 77
                     ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
