#!/usr/bin/env bash
# Runs the Ray tests (tests/run_tests.py) in a loopback-only network namespace with a deadline:
# installs Ray, pyarrow and this package into a venv from the package index first, and fails
# loudly when that is impossible (never a silent skip).
#
#   AZOF_CMD='deno run -A cli/main.ts' integrations/ray/tests/run.sh [run_tests.py flags]
#
# Environment: AZOF_RAY_VENV (default /tmp/azof-ray-venv), AZOF_RAY_DEADLINE (seconds, default 1500),
# AZOF_RAY_SCRIPT (default run_tests.py; bench.py for the benchmark).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="${AZOF_RAY_VENV:-/tmp/azof-ray-venv}"
deadline="${AZOF_RAY_DEADLINE:-1500}"

if ! "$venv/bin/python" -c 'import ray, ray.data, pyarrow, pandas' >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --retries 0 'ray[data]==2.58.0' pyarrow ||
    { echo "error: Ray tests NOT RUN: cannot install ray[data]==2.58.0 into $venv" >&2; exit 1; }
fi
# Build in a copy, so that the source folder stays clean.
build="$(mktemp -d)"
cp -r "$here/pyproject.toml" "$here/README.md" "$here/azof_ray" "$build/"
"$venv/bin/pip" install -q --retries 0 --no-deps --force-reinstall "$build" ||
  { echo "error: Ray tests NOT RUN: cannot install azof_ray into $venv" >&2; exit 1; }
rm -rf "$build"

if ! unshare -n true 2>/dev/null; then
  echo "error: Ray tests NOT RUN: unshare -n (a loopback-only network namespace) is not permitted" >&2
  exit 1
fi
export PYTHONUNBUFFERED=1 RAY_USAGE_STATS_ENABLED=0
# The S3 tests start an s3rver of their own inside the namespace, from the one .ci/s3rver.sh installed.
export AZOF_S3RVER_MODULES="${AZOF_S3RVER_MODULES:-${AZOF_S3RVER_DIR:-/tmp/azof-s3rver}/node_modules}"
status=0
timeout -k 30 "$deadline" unshare -n sh -c 'ip link set lo up && exec "$0" "$@"' \
  "$venv/bin/python" "$here/tests/${AZOF_RAY_SCRIPT:-run_tests.py}" "$@" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "error: tests/${AZOF_RAY_SCRIPT:-run_tests.py} did not finish within ${deadline} s (killed)" >&2
fi
exit "$status"
