# Sourced by scripts/test.sh (GLS_SANITIZE=1) and scripts/fuzz.sh: the
# sanitizer build is clang's, in build-asan/, and every sanitizer report
# stops the program that made it, with a stack trace, but for what
# tests/sanitizers/ubsan.supp and lsan.supp say is not the project's to fix.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sanitizer_build=build-asan
export CC=clang CXX=clang++
# A build directory configured with another compiler cannot switch: start it again.
if [ -f "$root/$sanitizer_build/CMakeCache.txt" ] &&
   ! grep -q "^CMAKE_CXX_COMPILER:.*clang" "$root/$sanitizer_build/CMakeCache.txt"; then
  rm -rf "${root:?}/$sanitizer_build"
fi
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/sanitizers/ubsan.supp"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=1"
# What GLib and OpenSSL keep to the end of the process is not reported
# (see the file).
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
# Tests that measure memory or run out of descriptors on purpose skip what
# the sanitizers' own bookkeeping would distort (quarantined memory, the
# descriptors their checks open); the normal pass runs them.
export GLS_SANITIZED=1
