# Installation and the Debian package (CPack):
#   cmake --build build && cd build && cpack -G DEB   ->  gls-local_<version>_amd64.deb
# The package holds the binary, its stream module (GStreamer, loaded with the
# first stream), the default fixtures (also compiled into the binary) and a
# man page made from `gls-local --help`, so it cannot drift from the flags.
# Its dependencies come from dpkg-shlibdeps.
include(GNUInstallDirs)

set(GLS_MANPAGE ${CMAKE_BINARY_DIR}/gls-local.1)
add_custom_command(
  OUTPUT ${GLS_MANPAGE}
  COMMAND ${CMAKE_COMMAND} -DGLS_BINARY=$<TARGET_FILE:gls-local> -DGLS_MANPAGE=${GLS_MANPAGE}
          -DGLS_VERSION=${PROJECT_VERSION} -P ${CMAKE_CURRENT_LIST_DIR}/manpage.cmake
  DEPENDS gls-local ${CMAKE_CURRENT_LIST_DIR}/manpage.cmake
  COMMENT "Writing the man page from gls-local --help")
add_custom_target(gls_manpage ALL DEPENDS ${GLS_MANPAGE})

install(TARGETS gls-local RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The stream module, where gls-local looks for it: ../lib/gls-local beside its bin/.
if(gls_webrtc_found)
  install(TARGETS gls_stream LIBRARY DESTINATION lib/gls-local)
endif()
install(FILES fixtures/default.json DESTINATION ${CMAKE_INSTALL_DATADIR}/gls-local/fixtures)
install(FILES ${GLS_MANPAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(CPACK_PACKAGE_NAME gls-local)
set(CPACK_PACKAGE_VENDOR "GameLift Streams Local")
set(CPACK_PACKAGE_CONTACT "GameLift Streams Local maintainers <gls-local@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local emulator of the Amazon GameLift Streams API")
set(CPACK_PACKAGE_DESCRIPTION
    "gls-local speaks the Amazon GameLift Streams REST-JSON API on a local port, keeps its state in SQLite and plays the stream-session lifecycle on a clock you control, for integration tests without AWS.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Plugins that GStreamer loads at run time are no shared-library dependency
# of the binary, so dpkg-shlibdeps cannot name them.
if(gls_webrtc_found)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "gstreamer1.0-plugins-base, gstreamer1.0-plugins-good, gstreamer1.0-plugins-bad, gstreamer1.0-nice")
endif()
set(CPACK_STRIP_FILES ON)
include(CPack)
