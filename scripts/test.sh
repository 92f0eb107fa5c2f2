#!/usr/bin/env bash
# Builds and runs every test (XCTest), then prints one closing line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests || exit 1
mkdir -p .build
swift test --disable-swift-testing 2>&1 | tee .build/test-output.log
status=${PIPESTATUS[0]}
summary=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test-output.log | tail -1)
total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
failed=$(echo "$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
if [ -n "$summary" ]; then
  echo "$((total - failed)) passed, $failed failed"
else
  echo "0 passed, 1 failed"
  status=1
fi
exit "$status"
