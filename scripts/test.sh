#!/bin/sh
# `npm test`: emit dist/ (tests run the built CLI), type-check src/, test/, bench/ and scripts/,
# and run every test (vitest). The type-check needs nothing from the tests nor they from it, so
# it runs beside them: tsc is one thread, and on two cores it ran alone for ~10-20 s while the
# other core idled, then vitest started. Its output is held until vitest is done, so the two
# never interleave; either failing fails the run (vitest's status first, then tsc's).
# Arguments go to vitest (`npm test -- test/cli`).
set -u
cd "$(dirname "$0")/.."

# The emit comes first: the tests spawn dist/cli.js. `--noCheck`: the type-check covers src/ too.
npm run -s build:emit || exit $?

typecheck_log=$(mktemp /tmp/postq-typecheck.XXXXXX)
npx tsc -p tsconfig.json --noEmit >"$typecheck_log" 2>&1 &
typecheck_pid=$!
# A Ctrl-C or a killed run must not leave the type-check running behind it.
trap 'kill "$typecheck_pid" 2>/dev/null; rm -f "$typecheck_log"' EXIT
trap 'exit 130' INT TERM

npx vitest run "$@"
vitest_status=$?

wait "$typecheck_pid"
typecheck_status=$?
if [ "$typecheck_status" -ne 0 ]; then
  cat "$typecheck_log"
  echo "npm test: the type-check failed (tsc exit $typecheck_status)" >&2
fi
[ "$vitest_status" -ne 0 ] && exit "$vitest_status"
exit "$typecheck_status"
