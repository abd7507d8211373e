# The Debian package: `cpack -G DEB` in the build folder writes w2v2_<version>_amd64.deb, installed under /usr,
# with Depends from dpkg-shlibdeps (the runtime libraries, not the -dev packages) plus the OpenMP OpenBLAS, a
# man page (help2man), the Debian copyright and changelog (changelog.gz: a native package), and an ldconfig trigger for libw2v2.so.0.
find_program(W2V2_HELP2MAN help2man)
if(W2V2_HELP2MAN)
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/w2v2.1.gz
                     COMMAND ${PROJECT_SOURCE_DIR}/scripts/make_man_page.sh $<TARGET_FILE:w2v2>
                             ${PROJECT_BINARY_DIR}/w2v2.1.gz
                     DEPENDS w2v2 ${PROJECT_SOURCE_DIR}/scripts/make_man_page.sh
                     COMMENT "man page (help2man)")
  add_custom_target(w2v2_man_page ALL DEPENDS ${PROJECT_BINARY_DIR}/w2v2.1.gz)
  install(FILES ${PROJECT_BINARY_DIR}/w2v2.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "w2v2: no help2man, so no man page (apt-get install help2man)")
endif()

set(W2V2_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/w2v2)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/changelog.gz
                   COMMAND gzip -9n -c ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
                           > ${PROJECT_BINARY_DIR}/changelog.gz
                   DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog)
add_custom_target(w2v2_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/changelog.gz)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/copyright ${PROJECT_BINARY_DIR}/changelog.gz
        DESTINATION ${W2V2_DOC_DIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME w2v2)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "w2v2 developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "batch speech recognition with Wav2Vec2 CTC models")
# The extended description (CPack indents it under the summary).
set(CPACK_PACKAGE_DESCRIPTION "w2v2 transcribes files and folders of recordings (WAV, FLAC, MP3, Ogg, M4A,
MP4, WebM and more) with Hugging Face Wav2Vec2 CTC checkpoints on LibTorch,
decodes with an n-gram language model, scores WER against references and
benchmarks throughput. The package holds the w2v2 command, libw2v2 with its
C and C++ API (headers, CMake package, pkg-config file), a small default
model and demo recordings.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "w2v2 developers <maintainers@users.noreply.r-seed-0c690f63.example>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # the shlibs file Debian's policy asks of a shared library
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-openmp")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/debian/triggers)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
