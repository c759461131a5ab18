# Install rules for the data and desktop files (the executables' rules sit with their targets in app/ and
# benchmarks/). Included from the top-level CMakeLists.txt. Everything goes under CMAKE_INSTALL_PREFIX by relative
# GNUInstallDirs paths, so the same rules serve `cmake --install`, the .deb (/usr) and the relocatable .tar.gz.
#
#   bin/                                  faas-workbench, faaswb-function-host, faaswb-target
#   share/faas-workbench/benchmarks       benchmark.yaml + sources per benchmark, wrappers (found via ../share)
#   share/faas-workbench/resources        example experiments, datasets, the SeBS example
#   share/applications, icons, metainfo, mime/packages   desktop integration
#   share/doc/faas-workbench              README.md and docs/
include(GNUInstallDirs)

set(FAASWB_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/faas-workbench)
set(FAASWB_APP_ID dev.faaswb.Workbench)

# The whole benchmark tree, C++ sources included: the local platform requires a benchmark's cpp/ folder to exist,
# and the Dockerfiles build images from it. Interpreter caches and build outputs stay behind.
set(FAASWB_INSTALL_EXCLUDES
    PATTERN __pycache__ EXCLUDE
    PATTERN "*.pyc" EXCLUDE
    PATTERN node_modules EXCLUDE
    PATTERN "build" EXCLUDE
    PATTERN ".*" EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/benchmarks/ DESTINATION ${FAASWB_INSTALL_DATADIR}/benchmarks
        ${FAASWB_INSTALL_EXCLUDES})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/ DESTINATION ${FAASWB_INSTALL_DATADIR}/resources
        ${FAASWB_INSTALL_EXCLUDES})

install(FILES ${CMAKE_CURRENT_LIST_DIR}/${FAASWB_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/${FAASWB_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/${FAASWB_APP_ID}.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/icons/${FAASWB_APP_ID}.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 16 32 48 64 128 256)
    install(FILES ${CMAKE_CURRENT_LIST_DIR}/icons/${FAASWB_APP_ID}-${size}.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps RENAME ${FAASWB_APP_ID}.png)
endforeach()

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs ${FAASWB_INSTALL_EXCLUDES})
