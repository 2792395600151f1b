# SPDX-License-Identifier: MIT
# Overlay port for imagecuda. From a checkout:
#   vcpkg install imagecuda --overlay-ports=<checkout>/cmake/vcpkg/ports
# builds the checkout this port lives in. A registry port would instead use
#   vcpkg_from_github(OUT_SOURCE_PATH SOURCE_PATH REPO <owner>/imagecuda REF "v${VERSION}" SHA512 <hash>)
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)
if(NOT EXISTS "${SOURCE_PATH}/include/imagecuda/imagecuda.hpp")
  message(FATAL_ERROR "imagecuda overlay port: no imagecuda checkout at ${SOURCE_PATH}")
endif()

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  FEATURES
    text IMAGECUDA_WITH_TEXT
    gl   IMAGECUDA_WITH_GL
)

# The `cuda` port installs nothing: it checks the CUDA toolkit (nvcc) that the build finds.
vcpkg_find_acquire_program(PKGCONFIG)

# tests/find-package/run-consumer.cmake (CTest packaging.vcpkg-port) reads the -D options below
# and builds, installs and consumes the project with exactly them.
vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DIMAGECUDA_BUILD_TESTS=OFF
    -DIMAGECUDA_BUILD_EXAMPLES=OFF
    -DIMAGECUDA_BUILD_BENCHMARKS=OFF
    -DIMAGECUDA_BUILD_FUZZERS=OFF
    -DIMAGECUDA_INSTALL=ON
    -DIMAGECUDA_INSTALL_CMAKEDIR=share/imagecuda
    "-DPKG_CONFIG_EXECUTABLE=${PKGCONFIG}"
    ${FEATURE_OPTIONS}
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME imagecuda CONFIG_PATH share/imagecuda)

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug/include" "${CURRENT_PACKAGES_DIR}/debug/share")
if(VCPKG_LIBRARY_LINKAGE STREQUAL "static")
  file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/bin" "${CURRENT_PACKAGES_DIR}/debug/bin")
endif()

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
