#!/usr/bin/env bash
# One entry point for a fresh machine: sets up .venv on first use, then
#   ./dev.sh demo [ARGS]   build the demo database from generated lists and show it
#   ./dev.sh test [ARGS]   run the tests and the checks (PostgreSQL tests too when a server starts)
#   ./dev.sh bench [ARGS]  run the benchmarks (bench/run.py)
#   ./dev.sh cc ARGS       run the callcentre command in the venv
#   ./dev.sh lock [--upgrade]  re-pin requirements/*.txt after editing pyproject.toml
# Each command installs only what it needs, at the versions pinned in requirements/:
# runtime.txt (demo, cc), dev.txt (test: runtime + test tools), bench.txt (dev + peers).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
export UV_LINK_MODE=${UV_LINK_MODE:-copy}   # the cache may sit on another file system

venv() {
  if [ ! -x .venv/bin/python ]; then
    echo "setting up .venv (first run) ..." >&2
    if ! "$PY" -m venv .venv; then
      rm -rf .venv
      echo "could not create .venv: on Debian, apt-get install python3-venv" >&2; exit 1
    fi
  fi
  . .venv/bin/activate
}

# uv (pinned with hashes in requirements/uv.txt) installs the locks; pip is the fallback.
uv_ready() {
  local want
  want=$(sed -n 's/^uv==\([^ ]*\).*/\1/p' requirements/uv.txt)
  if [ "$(uv --version 2>/dev/null | cut -d' ' -f2)" != "$want" ]; then
    python -m pip install -q --disable-pip-version-check --require-hashes -r requirements/uv.txt \
      >&2 || return 1
  fi
  [ -x .venv/bin/uv ]
}

# deps NAME: install requirements/NAME.txt and this project (editable) unless the stamp,
# a hash of that lock file and pyproject.toml, says they are already in.
deps() {
  local lock=requirements/$1.txt stamp
  stamp=.venv/.installed-$1-$(cat "$lock" pyproject.toml | sha256sum | cut -c1-16)
  [ -f "$stamp" ] && return 0
  echo "installing the $1 dependencies ($lock) ..." >&2
  if uv_ready; then
    uv pip install -q -r "$lock"
    uv pip install -q --no-deps -e .
  else
    echo "note: uv could not be installed; using pip" >&2
    python -m pip install -q -r "$lock"
    python -m pip install -q --no-deps -e .
  fi
  rm -f .venv/.installed-"$1"-*
  touch "$stamp"
}

cmd=${1:-help}; shift || true
case "$cmd" in
  demo) venv; deps runtime; exec callcentre demo "$@" ;;
  cc) venv; deps runtime; exec callcentre "$@" ;;
  bench) venv; deps bench; exec python bench/run.py "$@" ;;
  lock)
    venv; uv_ready
    common=(--universal --python-version 3.11 --generate-hashes -q
            --custom-compile-command "./dev.sh lock" "$@")
    uv pip compile pyproject.toml "${common[@]}" -o requirements/runtime.txt
    uv pip compile pyproject.toml --extra dev -c requirements/runtime.txt "${common[@]}" \
      -o requirements/dev.txt
    uv pip compile pyproject.toml --extra dev --extra bench -c requirements/dev.txt "${common[@]}" \
      -o requirements/bench.txt
    echo "requirements/*.txt updated; commit them with pyproject.toml" >&2 ;;
  test)
    venv; deps dev
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
    workers=(-n 2)   # two workers, unless the arguments choose (-n N, -p no:xdist)
    for a in "$@"; do case "$a" in -n|-n*|no:xdist|--numprocesses*) workers=() ;; esac; done
    set +e
    python -m pytest "${workers[@]}" -q "$@"
    rc=$?
    set -e
    exit $rc ;;
  *) sed -n '2,9p' "$0"; exit 2 ;;
esac
