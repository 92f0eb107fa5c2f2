#!/usr/bin/env bash
# Builds and runs every test: the Swift tests (XCTest), then the Python package's tests (pytest, python/tests)
# with the interpreter that has torch (Debian's /usr/bin/python3 with python3-torch; override with PYTHON=...).
# Prints one closing line "N passed, M failed" that counts both.
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests || exit 1
swift build --product HiCLRLoaderC || exit 1   # the loader library the Python tests load
mkdir -p .build
# Every test's scratch files go into one folder, removed afterwards when everything passed (kept for a look when
# something failed), so repeated runs do not fill /tmp.
export TMPDIR="$(mktemp -d "${TMPDIR:-/tmp}/hiclr-test.XXXXXX")"
swift test --disable-swift-testing 2>&1 | tee .build/test-output.log
status=${PIPESTATUS[0]}
# XCTest writes "with 1 test skipped and 0 failures" when a test skips (e.g. one that needs a non-root user).
summary=$(grep -E "Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?" .build/test-output.log | tail -1)
if [ -n "$summary" ]; then
  total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
  skipped=$(echo "$summary" | grep -oE "[0-9]+ tests? skipped" | grep -oE "^[0-9]+" || true)
  passed=$((total - failed - ${skipped:-0}))
else
  passed=0; failed=1; status=1
fi

# Package.swift declares exactly what each target imports (counted as one test).
if python3 scripts/check_package_imports.py; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

# Python: pytest over python/tests against the debug build just made.
PYTHON=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3 )}
if ! "$PYTHON" -c "import torch, h5py, numpy, pytest" >/dev/null 2>&1; then
  echo "python tests: $PYTHON lacks torch, h5py, numpy or pytest (scripts/install-deps.sh installs Debian's python3-torch python3-h5py python3-numpy python3-pytest)"
  failed=$((failed + 1)); status=1
else
  HICLR_BUILD="$PWD/.build/debug" HICLR_LIB="$PWD/.build/debug/libHiCLRLoaderC.so" \
    "$PYTHON" -m pytest -p no:cacheprovider -q python/tests 2>&1 | tee .build/test-output-python.log
  py_status=${PIPESTATUS[0]}
  line=$(grep -E "[0-9]+ (passed|failed|error)" .build/test-output-python.log | tail -1)
  py_passed=$(echo "$line" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+" || true)
  py_failed=$(echo "$line" | grep -oE "[0-9]+ failed" | grep -oE "[0-9]+" || true)
  py_errors=$(echo "$line" | grep -oE "[0-9]+ errors?" | grep -oE "[0-9]+" || true)
  py_passed=${py_passed:-0}; py_failed=$(( ${py_failed:-0} + ${py_errors:-0} ))
  if [ "$py_status" != 0 ] && [ "$py_failed" = 0 ]; then py_failed=1; fi   # e.g. collection or interpreter error
  echo "python tests: $py_passed passed, $py_failed failed"
  passed=$((passed + py_passed)); failed=$((failed + py_failed))
  if [ "$py_status" != 0 ]; then status=1; fi
fi
if [ "$status" = 0 ]; then rm -rf "$TMPDIR"; else echo "test scratch files kept in $TMPDIR"; fi
echo "$passed passed, $failed failed"
exit "$status"
