# SPDX-License-Identifier: MIT
# CTest checks of the package and the docs, included by the top-level CMakeLists.txt when the
# tests are on. All are host-only and fast (nested library builds reuse ccache); the ci test
# preset runs them (it excludes only `gpu`).
#   packaging.headers                 every public header compiles on its own (g++, no nvcc)
#   packaging.find-package.build-tree find_package through the build tree's export
#   packaging.find-package.moved-install   ... through an install tree moved to another prefix
#   packaging.add-subdirectory        add_subdirectory(<source>)
#   packaging.fetchcontent            FetchContent_Declare(SOURCE_DIR <source>)
#   packaging.vcpkg-port              the portfile's options: static, config in share/imagecuda
#   docs.snippets                     doc snippets equal the compiled examples

set(_ic_work "${PROJECT_BINARY_DIR}/packaging")
set(_ic_args
  -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
  -DBINARY_DIR=${PROJECT_BINARY_DIR}
  "-DGENERATOR=${CMAKE_GENERATOR}"
  -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
  -DCUDA_COMPILER=${CMAKE_CUDA_COMPILER}
  "-DCUDA_ARCHITECTURES=${CMAKE_CUDA_ARCHITECTURES}"
  -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
  "-DCXX_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}"
  "-DCUDA_LAUNCHER=${CMAKE_CUDA_COMPILER_LAUNCHER}")

add_test(NAME packaging.headers
         COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target all_verify_interface_header_sets)

set(_ic_modes add-subdirectory fetchcontent vcpkg-port)
if(IMAGECUDA_INSTALL)
  list(PREPEND _ic_modes find-package.build-tree find-package.moved-install)
endif()
foreach(mode ${_ic_modes})
  string(REPLACE "find-package." "" _ic_mode ${mode})
  add_test(NAME packaging.${mode}
           COMMAND ${CMAKE_COMMAND} -DMODE=${_ic_mode} -DWORK_DIR=${_ic_work}/${mode} ${_ic_args}
                   -P ${PROJECT_SOURCE_DIR}/tests/find-package/run-consumer.cmake)
endforeach()
# The nested builds share ccache and two cores: one at a time, and not beside the header check.
foreach(t packaging.headers packaging.find-package.build-tree packaging.find-package.moved-install
          packaging.add-subdirectory packaging.fetchcontent packaging.vcpkg-port)
  if(TEST ${t})
    set_tests_properties(${t} PROPERTIES LABELS packaging RESOURCE_LOCK imagecuda_packaging
                         ENVIRONMENT IMAGECUDA_DEVICE=cpu TIMEOUT 900)
  endif()
endforeach()

add_executable(imagecuda_check_doc_snippets ${PROJECT_SOURCE_DIR}/tools/check-doc-snippets.cpp)
add_test(NAME docs.snippets COMMAND imagecuda_check_doc_snippets ${PROJECT_SOURCE_DIR})
set_tests_properties(docs.snippets PROPERTIES LABELS docs)

unset(_ic_work)
unset(_ic_args)
unset(_ic_modes)
unset(_ic_mode)
