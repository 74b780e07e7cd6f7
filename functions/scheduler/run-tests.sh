#!/usr/bin/env bash
# Runs the scheduler Lambda's unit tests (botocore Stubber, no AWS access needed) with
# Debian's Python, which has python3-boto3 and python3-pytest. Prints a final line
# "N passed, M failed" and exits non-zero when a test fails or none ran.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-/usr/bin/python3}"
report="$(mktemp -t scheduler-tests.XXXXXX.xml)"
trap 'rm -f "$report"' EXIT

export PYTHONDONTWRITEBYTECODE=1
status=0
"$python" -m pytest -q -p no:cacheprovider --junitxml="$report" "$here/tests" "$@" || status=$?

"$python" - "$report" <<'PY'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(f"{total - failed - skipped} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit "$status"
