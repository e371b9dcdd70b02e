#!/usr/bin/env bash
# One entry point for a fresh machine: sets up .venv on first use, then
#   ./dev.sh demo [ARGS]   build the demo database from generated lists and show it
#   ./dev.sh test [ARGS]   run the test suite (PostgreSQL tests too when a server can be started)
#   ./dev.sh bench [ARGS]  run the benchmarks (bench/run.py)
#   ./dev.sh cc ARGS       run the callcentre command in the venv
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setting up .venv (first run) ..." >&2
  "$PY" -m venv .venv
fi
. .venv/bin/activate
STAMP=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$STAMP" ]; then
  python -m pip install -q -e '.[dev]'
  touch "$STAMP"
fi
cmd=${1:-help}; shift || true
case "$cmd" in
  demo) exec callcentre demo "$@" ;;
  cc) exec callcentre "$@" ;;
  bench)
    python -m pip install -q -e '.[dev,bench]'
    exec python bench/run.py "$@" ;;
  test)
    PGTMP=""
    if [ -z "${CALLCENTRE_TEST_PG_URL:-}" ]; then
      if out=$(scripts/pg-throwaway.sh 2>/dev/null); then
        eval "$(echo "$out" | grep '^export ')"
        PGTMP=$(echo "$out" | sed -n 's/^PGTMP=//p')
        trap 'scripts/pg-throwaway.sh stop "$PGTMP"' EXIT
      elif [ "${CALLCENTRE_REQUIRE_PG:-}" = "1" ]; then
        echo "PostgreSQL is required but could not be started" >&2; exit 1
      else
        echo "note: no PostgreSQL server; PostgreSQL tests will be skipped" >&2
      fi
    fi
    set +e
    python -m pytest -n 2 -q "$@"
    rc=$?
    set -e
    exit $rc ;;
  *) sed -n '2,8p' "$0"; exit 2 ;;
esac
