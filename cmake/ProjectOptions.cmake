# Project-wide options and the two interface targets every target links:
# ecom_options (language level, sanitizers, hardening) and ecom_warnings.

option(ECOM_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" ON)
option(ECOM_ENABLE_SANITIZERS "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(ECOM_ENABLE_FUZZING "Build libFuzzer targets (requires clang)" OFF)
option(ECOM_ENABLE_HARDENING "Build with _FORTIFY_SOURCE, stack protector and PIE" ON)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

find_program(ECOM_CCACHE ccache)
if(ECOM_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${ECOM_CCACHE}")
endif()

add_library(ecom_options INTERFACE)
add_library(ecom_warnings INTERFACE)

target_compile_features(ecom_options INTERFACE cxx_std_20)
# Asio and Beast are compiled once (services/common/src/boost_impl.cpp)
# instead of in every translation unit: a large share of the build time.
target_compile_definitions(ecom_options INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION
  BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_DISABLE_BOOST_COROUTINE)

find_program(ECOM_MOLD mold)
if(ECOM_MOLD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_link_options(ecom_options INTERFACE -fuse-ld=mold)
endif()

if(ECOM_ENABLE_HARDENING AND NOT ECOM_ENABLE_SANITIZERS)
  target_compile_options(ecom_options INTERFACE
    $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>
    -fstack-protector-strong)
endif()

if(ECOM_ENABLE_SANITIZERS)
  target_compile_options(ecom_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(ecom_options INTERFACE -fsanitize=address,undefined)
endif()

target_compile_options(ecom_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(ecom_warnings INTERFACE
    -Wmisleading-indentation -Wduplicated-cond -Wlogical-op
    # GCC 12 reports false positives inside coroutine frames and Boost headers.
    -Wno-maybe-uninitialized -Wno-mismatched-new-delete)
endif()
if(ECOM_WARNINGS_AS_ERRORS)
  target_compile_options(ecom_warnings INTERFACE -Werror)
endif()

# ecom_add_gtest(<name> SOURCES ... LIBS ... LABELS ...)
# A GoogleTest executable registered with ctest under the given labels.
function(ecom_add_gtest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main ecom_options ecom_warnings)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
endfunction()

# Debian's Python, which has pytest, PyYAML and jsonschema from apt (no PyPI).
set(ECOM_PYTHON "/usr/bin/python3" CACHE FILEPATH "Python interpreter for functional tests")

# ecom_add_pytest(<name> PATHS ... LABELS ... [TIMEOUT s])
# Functional tests in Python that drive the built binaries; they find them
# through ECOM_BUILD_DIR and PostgreSQL through ECOM_TEST_PG (scripts/test.sh).
# tests/lib is on PYTHONPATH and its ecomtest.pytest_plugin gives the shared
# fixtures (shared_cluster, shop, private_cluster).
function(ecom_add_pytest name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "PATHS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  add_test(NAME ${name}
    COMMAND ${ECOM_PYTHON} -m pytest -q -p no:cacheprovider -p ecomtest.pytest_plugin -o junit_family=xunit2
            --junitxml=${CMAKE_BINARY_DIR}/test-reports/${name}.xml ${ARG_PATHS}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES
    LABELS "${ARG_LABELS}"
    TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "ECOM_BUILD_DIR=${CMAKE_BINARY_DIR};ECOM_SOURCE_DIR=${PROJECT_SOURCE_DIR};PYTHONDONTWRITEBYTECODE=1;PYTHONPATH=${PROJECT_SOURCE_DIR}/tests/lib")
endfunction()
