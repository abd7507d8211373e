#!/usr/bin/env bash
# Sets up (scripts/setup.sh), then runs the whole test suite with CTest.
# W2V2_SANITIZE=address,undefined scripts/test.sh builds and runs it under the sanitizers in build-sanitize/
# (BUILD_DIR overrides the folder); extra arguments go to ctest (e.g. -L unit for the torch-free tests).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${W2V2_SANITIZE:-}" ]; then
  export BUILD_DIR=${BUILD_DIR:-build-sanitize} BUILD_TYPE=RelWithDebInfo
  scripts/setup.sh -DW2V2_SANITIZE="$W2V2_SANITIZE"
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}
else
  export BUILD_DIR=build
  scripts/setup.sh
fi
cd "$BUILD_DIR"
ctest --output-on-failure --no-tests=error -j 2 "$@"
