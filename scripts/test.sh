#!/bin/sh
# `npm test`: emit dist/ (tests run the built CLI), type-check src/, test/, bench/ and scripts/,
# and run every test (vitest). One process does the compile (scripts/emit-and-check.mjs): it
# emits dist/ first, says so, then type-checks, parsing each file once for both. The tests start
# as soon as dist/ is written, and the type-check runs beside them: tsc is one thread, and on
# two cores it ran alone for ~10-20 s while the other core idled. Its output is held until
# vitest is done, so the two never interleave; either failing fails the run (vitest's status
# first, then the type-check's). A failed emit (a syntax error in src/) stops the run there.
# Arguments go to vitest (`npm test -- test/cli`).
set -u
cd "$(dirname "$0")/.."

compile_log=$(mktemp /tmp/postq-typecheck.XXXXXX)
emitted=$(mktemp -u /tmp/postq-emitted.XXXXXX)
node scripts/emit-and-check.mjs "$emitted" >"$compile_log" 2>&1 &
compile_pid=$!
# A Ctrl-C or a killed run must not leave the type-check running behind it.
trap 'kill "$compile_pid" 2>/dev/null; rm -f "$compile_log" "$emitted"' EXIT
trap 'exit 130' INT TERM

# The tests spawn dist/cli.js: wait for the emit (the file appears), or for the compile to end without it.
while [ ! -e "$emitted" ]; do
  if ! kill -0 "$compile_pid" 2>/dev/null; then
    wait "$compile_pid"
    compile_status=$?
    cat "$compile_log"
    echo "npm test: the build (emit of dist/) failed (exit $compile_status)" >&2
    [ "$compile_status" -ne 0 ] && exit "$compile_status"
    exit 1
  fi
  sleep 0.05
done

# Not through npx: finding the package cost ~0.75 s of CPU before vitest began.
node_modules/.bin/vitest run "$@"
vitest_status=$?

wait "$compile_pid"
typecheck_status=$?
if [ "$typecheck_status" -ne 0 ]; then
  cat "$compile_log"
  echo "npm test: the type-check failed (exit $typecheck_status)" >&2
fi
[ "$vitest_status" -ne 0 ] && exit "$vitest_status"
exit "$typecheck_status"
