# CPack: a .deb for Debian 12 and a relocatable .tar.gz of the same install tree. Included at the end of the
# top-level CMakeLists.txt, after every install() rule.
#   cpack -G DEB    -> faas-workbench_<version>_<arch>.deb (installs under /usr)
#   cpack -G TGZ    -> faas-workbench-<version>-Linux.tar.gz (bin/ and share/ at the top; runs from anywhere)
set(CPACK_GENERATOR DEB TGZ)
# cpack (and `make install`) would otherwise rebuild `all` first, every test suite included: packaging takes what
# is built, so build before packaging (`cmake --build`, or only the three executables).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_PACKAGE_NAME faas-workbench)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "FaaS Workbench team")
set(CPACK_PACKAGE_CONTACT "FaaS Workbench team")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "FaaS Workbench measures warm latency, cold starts and autoscaling of serverless platforms (a built-in local
platform, Knative, OpenWhisk, HTTP endpoints) with a suite of C++, Python and Node.js benchmark functions, from a
Qt desktop application or a headless command line.")
set(CPACK_STRIP_FILES ON)
set(CPACK_VERBATIM_VARIABLES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "FaaS Workbench team")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Declared by hand from what the executables link (objdump -p ... NEEDED -> dpkg -S on Debian 12); the lower bounds
# are what dpkg-shlibdeps derives from the symbols used. Qt's xcb and offscreen platform plugins come with
# libqt6gui6, the SVG icon engine with libqt6svg6. python3 and nodejs run the benchmarks' Python and Node.js
# versions on the local platform (benchmarks/wrappers/python/server.py, wrappers/nodejs/server.js).
set(FAASWB_DEB_DEPENDS
    "libc6 (>= 2.35)"
    "libstdc++6 (>= 12)"
    "libgcc-s1 (>= 3.0)"
    "libqt6core6 (>= 6.4.0)"
    "libqt6gui6 (>= 6.1.2)"
    "libqt6widgets6 (>= 6.4.0)"
    "libqt6charts6 (>= 6.2.1)"
    "libqt6svg6 (>= 6.2.0)"
    "libcurl4 (>= 7.80.0)"
    "libsqlite3-0 (>= 3.20.0)"
    "libyaml-cpp0.7 (>= 0.7.0)"
    "libssl3 (>= 3.0.0)"
    "libpq5 (>= 9.2)"
    "zlib1g (>= 1:1.2.0)"
    "python3"
    "nodejs")
list(JOIN FAASWB_DEB_DEPENDS ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# Wayland sessions get native windows with qt6-wayland; without it Qt falls back to XWayland.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland")

include(CPack)
