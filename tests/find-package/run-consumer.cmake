# SPDX-License-Identifier: MIT
# Builds and runs the consumer in tests/find-package (or tests/add-subdirectory) against imagecuda
# in one of several ways. Run by CTest (label `packaging`, see cmake/PackagingTests.cmake) as
#   cmake -DMODE=<mode> -DSOURCE_DIR=<imagecuda source> -DBINARY_DIR=<imagecuda build>
#         -DWORK_DIR=<scratch> [-DGENERATOR=.. -DCXX_COMPILER=.. -DBUILD_TYPE=.. ...] -P run-consumer.cmake
# MODE:
#   build-tree        find_package through the build tree's export (imagecuda_DIR=<build>)
#   moved-install     cmake --install to a prefix, move the prefix elsewhere, find_package there
#   add-subdirectory  add_subdirectory(<source>) in tests/add-subdirectory
#   fetchcontent      FetchContent_Declare(SOURCE_DIR <source>) in tests/add-subdirectory
#   vcpkg-port        configure + build + install imagecuda with exactly the -D options of
#                     cmake/vcpkg/ports/imagecuda/portfile.cmake (plus what vcpkg_cmake_configure
#                     adds for the default x64-linux triplet: static, Release, lib/bin dirs),
#                     check the config lands in share/imagecuda, then consume the install.
cmake_minimum_required(VERSION 3.25)

foreach(v MODE SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run-consumer.cmake: -D${v}=... is required")
  endif()
endforeach()
if(NOT DEFINED BUILD_TYPE OR BUILD_TYPE STREQUAL "")
  set(BUILD_TYPE Release)
endif()

# The consumer runs on the CPU when there is no GPU (CI); write its picture into the work dir.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Options every nested configure shares: same generator, compilers and launchers (ccache makes
# the nested library builds of add-subdirectory / vcpkg-port cheap), same CUDA architectures.
set(common -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
if(GENERATOR)
  list(APPEND common -G "${GENERATOR}")
endif()
foreach(pair CXX_COMPILER:CMAKE_CXX_COMPILER CUDA_COMPILER:CMAKE_CUDA_COMPILER
             CXX_LAUNCHER:CMAKE_CXX_COMPILER_LAUNCHER CUDA_LAUNCHER:CMAKE_CUDA_COMPILER_LAUNCHER
             CUDA_ARCHITECTURES:CMAKE_CUDA_ARCHITECTURES)
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 in)
  list(GET pair 1 out)
  if(DEFINED ${in} AND NOT "${${in}}" STREQUAL "")
    list(APPEND common "-D${out}=${${in}}")
  endif()
endforeach()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}")
  endif()
  message(STATUS "${what}: ok")
endfunction()

# configure + build a CMake project, then run its `consumer`
function(build_and_run_consumer src bin)
  run("configure consumer" ${CMAKE_COMMAND} -S "${src}" -B "${bin}" ${common} ${ARGN})
  run("build consumer" ${CMAKE_COMMAND} --build "${bin}")
  file(MAKE_DIRECTORY "${WORK_DIR}/out")
  run("run consumer" "${bin}/consumer" "${WORK_DIR}/out")
  if(NOT EXISTS "${WORK_DIR}/out/consumer.png")
    message(FATAL_ERROR "the consumer did not write consumer.png")
  endif()
endfunction()

# every file of an install tree must be free of the prefix it was installed to
function(check_relocatable prefix stage)
  file(GLOB_RECURSE cmake_files "${prefix}/*.cmake")
  if(NOT cmake_files)
    message(FATAL_ERROR "no CMake package files under ${prefix}")
  endif()
  foreach(f ${cmake_files})
    file(READ "${f}" text)
    string(FIND "${text}" "${stage}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${f} names the install prefix ${stage}: not relocatable")
    endif()
  endforeach()
endfunction()

set(consumer "${SOURCE_DIR}/tests/find-package")

if(MODE STREQUAL "build-tree")
  build_and_run_consumer("${consumer}" "${WORK_DIR}/consumer" -Dimagecuda_DIR=${BINARY_DIR})
  # the version file (SameMinorVersion) and the components
  file(WRITE "${WORK_DIR}/probe/CMakeLists.txt" [=[
cmake_minimum_required(VERSION 3.25)
project(probe LANGUAGES CXX)
# a failed find_package sets imagecuda_DIR to NOTFOUND: point it at the package before each
macro(probe_find)
  set(imagecuda_DIR "${PROBE_DIR}" CACHE PATH "" FORCE)
  find_package(imagecuda ${ARGN})
endmacro()
probe_find(0.2 CONFIG QUIET)
if(imagecuda_FOUND)
  message(FATAL_ERROR "find_package(imagecuda 0.2) accepted version ${imagecuda_VERSION}")
endif()
probe_find(0.1 CONFIG REQUIRED)
if(TARGET imagecuda::gl)
  probe_find(0.1 CONFIG REQUIRED COMPONENTS gl)
  get_target_property(gl_defs imagecuda::gl INTERFACE_COMPILE_DEFINITIONS)
  if(NOT gl_defs MATCHES "IMAGECUDA_HAS_GL")
    message(FATAL_ERROR "imagecuda::gl does not define IMAGECUDA_HAS_GL")
  endif()
else()
  probe_find(0.1 CONFIG QUIET COMPONENTS gl)
  if(imagecuda_FOUND)
    message(FATAL_ERROR "find_package(imagecuda COMPONENTS gl) succeeded, but gl is not built")
  endif()
endif()
get_target_property(defs imagecuda::imagecuda INTERFACE_COMPILE_DEFINITIONS)
if(defs MATCHES "IMAGECUDA_HAS_TEXT")
  probe_find(0.1 CONFIG REQUIRED COMPONENTS text)
else()
  probe_find(0.1 CONFIG QUIET COMPONENTS text)
  if(imagecuda_FOUND)
    message(FATAL_ERROR "COMPONENTS text found in a build without text")
  endif()
endif()
]=])
  run("version and component checks" ${CMAKE_COMMAND} -S "${WORK_DIR}/probe" -B "${WORK_DIR}/probe/build"
      ${common} -DPROBE_DIR=${BINARY_DIR})

elseif(MODE STREQUAL "moved-install")
  run("install" ${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${WORK_DIR}/stage")
  file(RENAME "${WORK_DIR}/stage" "${WORK_DIR}/moved")
  check_relocatable("${WORK_DIR}/moved" "${WORK_DIR}/stage")
  build_and_run_consumer("${consumer}" "${WORK_DIR}/consumer" "-DCMAKE_PREFIX_PATH=${WORK_DIR}/moved")

elseif(MODE STREQUAL "add-subdirectory" OR MODE STREQUAL "fetchcontent")
  if(MODE STREQUAL "fetchcontent")
    set(fc ON)
  else()
    set(fc OFF)
  endif()
  build_and_run_consumer("${SOURCE_DIR}/tests/add-subdirectory" "${WORK_DIR}/consumer"
                         "-DIMAGECUDA_SOURCE_DIR=${SOURCE_DIR}" -DUSE_FETCHCONTENT=${fc})

elseif(MODE STREQUAL "vcpkg-port")
  set(portfile "${SOURCE_DIR}/cmake/vcpkg/ports/imagecuda/portfile.cmake")
  file(READ "${portfile}" text)
  string(REGEX MATCH "vcpkg_cmake_configure\\(([^)]*)\\)" block "${text}")
  if(NOT block)
    message(FATAL_ERROR "no vcpkg_cmake_configure(...) in ${portfile}")
  endif()
  # the literal -DNAME=VALUE options (those naming vcpkg variables, like ${PKGCONFIG}, are vcpkg's)
  string(REGEX MATCHALL "-D[A-Za-z0-9_]+=[^ \t\r\n\")$]+" port_options "${block}")
  if(NOT "-DIMAGECUDA_INSTALL_CMAKEDIR=share/imagecuda" IN_LIST port_options)
    message(FATAL_ERROR "the portfile does not pass -DIMAGECUDA_INSTALL_CMAKEDIR=share/imagecuda")
  endif()
  message(STATUS "portfile options: ${port_options}")
  # vcpkg_check_features with no feature selected, and vcpkg_cmake_configure's own options
  # for the default Linux triplet (x64-linux: static library, Release and Debug trees).
  set(vcpkg_options -DIMAGECUDA_WITH_TEXT=OFF -DIMAGECUDA_WITH_GL=OFF
      -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_INSTALL_BINDIR=bin
      -DFETCHCONTENT_FULLY_DISCONNECTED=ON -DCMAKE_EXPORT_NO_PACKAGE_REGISTRY=ON
      "-DCMAKE_INSTALL_PREFIX=${WORK_DIR}/packages")
  run("configure imagecuda as the port does" ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/build"
      ${common} ${port_options} ${vcpkg_options})
  run("build imagecuda" ${CMAKE_COMMAND} --build "${WORK_DIR}/build")
  run("install imagecuda" ${CMAKE_COMMAND} --install "${WORK_DIR}/build")
  # what vcpkg_cmake_config_fixup(CONFIG_PATH share/imagecuda) and the port's checks expect
  foreach(f share/imagecuda/imagecudaConfig.cmake share/imagecuda/imagecudaConfigVersion.cmake
            share/imagecuda/imagecuda-targets.cmake include/imagecuda/imagecuda.hpp
            include/imagecuda/version.hpp lib/libimagecuda.a)
    if(NOT EXISTS "${WORK_DIR}/packages/${f}")
      message(FATAL_ERROR "the port's install lacks ${f}")
    endif()
  endforeach()
  if(EXISTS "${WORK_DIR}/packages/lib/cmake")
    message(FATAL_ERROR "the port's install put CMake files in lib/cmake (expected only share/imagecuda)")
  endif()
  file(GLOB_RECURSE stray "${WORK_DIR}/packages/bin/*")
  if(stray)
    message(FATAL_ERROR "a static port installs nothing in bin/: ${stray}")
  endif()
  # vcpkg moves the package into its installed tree: consume it from another prefix too
  file(RENAME "${WORK_DIR}/packages" "${WORK_DIR}/installed")
  check_relocatable("${WORK_DIR}/installed" "${WORK_DIR}/packages")
  build_and_run_consumer("${consumer}" "${WORK_DIR}/consumer" "-DCMAKE_PREFIX_PATH=${WORK_DIR}/installed")

else()
  message(FATAL_ERROR "run-consumer.cmake: unknown MODE ${MODE}")
endif()
message(STATUS "packaging (${MODE}): passed")
