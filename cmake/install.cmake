# `cmake --install`: the command line, libw2v2.so, the public headers, the CMake package (w2v2::w2v2), w2v2.pc,
# and the default model and demo samples under share/w2v2/.
include(CMakePackageConfigHelpers)

install(TARGETS w2v2 RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS w2v2_library EXPORT w2v2Targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/w2v2 DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/w2v2/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/w2v2)

set(W2V2_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/w2v2)
install(EXPORT w2v2Targets NAMESPACE w2v2:: DESTINATION ${W2V2_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/w2v2Config.cmake.in
                              ${PROJECT_BINARY_DIR}/w2v2Config.cmake INSTALL_DESTINATION ${W2V2_CMAKE_DIR}
                              PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/w2v2ConfigVersion.cmake VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/w2v2Config.cmake ${PROJECT_BINARY_DIR}/w2v2ConfigVersion.cmake
        DESTINATION ${W2V2_CMAKE_DIR})
# Relocatable: the prefix is found from the .pc file's own folder (an install with --prefix elsewhere works).
file(RELATIVE_PATH W2V2_PC_UP /root/${CMAKE_INSTALL_LIBDIR}/pkgconfig /root)
set(W2V2_PC_PREFIX "\${pcfiledir}/${W2V2_PC_UP}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/w2v2.pc.in ${PROJECT_BINARY_DIR}/w2v2.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/w2v2.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/default DESTINATION ${CMAKE_INSTALL_DATADIR}/w2v2/models)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/samples DESTINATION ${CMAKE_INSTALL_DATADIR}/w2v2)
