#!/usr/bin/env bash
# Text captures of the real console for the README: the built CLI (dist/cli.js) runs in a
# private tmux server at 80x24 and 100x12, on the demo (seeded, so the queue is the same
# every time; the clock is not) and on a copy of the corpus spool, and `tmux capture-pane -p`
# writes what the terminal shows to docs/screens/*.txt.
#
# Usage: scripts/capture-screens.sh [OUT_DIR]     (needs tmux; runs `npm run build` first)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/docs/screens}"
SOCKET="postq-capture-$$"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/postq-capture-XXXXXX")"
mkdir -p "$OUT"

tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
cleanup() {
  tm kill-server 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

(cd "$ROOT" && npm run --silent build)

# Poll the screen until it matches an extended regex (30 s at most).
wait_for() {
  local pattern="$1" deadline=$((SECONDS + 30))
  until tm capture-pane -p -t cap | grep -Eq -- "$pattern"; do
    if ((SECONDS > deadline)); then
      echo "capture-screens: timed out waiting for /$pattern/; screen:" >&2
      tm capture-pane -p -t cap >&2
      exit 1
    fi
    sleep 0.2
  done
}

# start COLUMNS ROWS ARGS...: the console in a fresh session, up once the first index is read.
start() {
  local columns="$1" rows="$2"
  shift 2
  tm kill-server 2>/dev/null || true
  tm new-session -d -s cap -x "$columns" -y "$rows" \
    "cd '$ROOT' && exec env -u CI TERM=xterm-256color TZ=UTC TMPDIR='$WORK' POSTQ_AUDIT_LOG='$WORK/audit.log' node dist/cli.js $*"
  tm set-option -t cap status off >/dev/null
  tm resize-window -t cap -x "$columns" -y "$rows"
  wait_for '● live( \[RO\])? *$'
}

# shot NAME: write the screen, trailing blanks trimmed.
shot() {
  tm capture-pane -p -t cap | sed -e 's/[[:space:]]*$//' >"$OUT/$1.txt"
  echo "wrote $OUT/$1.txt"
}

key() { tm send-keys -t cap "$@"; }

quit() {
  key q
  local deadline=$((SECONDS + 30))
  while tm has-session -t cap 2>/dev/null; do
    if ((SECONDS > deadline)); then
      echo "capture-screens: the console did not quit" >&2
      exit 1
    fi
    sleep 0.2
  done
}

DEMO="--demo --seed 7 --rate 2"

# The demo at 80x24: the list, a message, the hold confirmation, help, qshape.
start 80 24 "$DEMO"
shot demo-80x24
key 4
wait_for '^deferred [0-9]+'
shot demo-deferred-80x24
key Enter
wait_for 'ENVELOPE|envelope|Received:'
shot demo-message-80x24
key Escape
wait_for '^deferred [0-9]+'
key H
wait_for 'confirm'
shot demo-confirm-hold-80x24
key n
key '?'
wait_for '^Keys'
shot demo-help-80x24
# After Escape wait for the list: a key right behind it would read as Alt+key.
key Escape
wait_for 'QUEUE ID'
key t
wait_for 'TOTAL'
shot demo-qshape-80x24
key Escape
wait_for 'QUEUE ID'
quit

# The compact layout of a small tmux pane.
start 100 12 "$DEMO"
shot demo-100x12
key 0
key /
tm send-keys -t cap -l 'reason:greylisted'
key Enter
wait_for 'reason:greylisted'
shot demo-filter-100x12
quit

# A copy of the corpus spool (real Postfix files, including damaged ones).
CORPUS="$(cd "$ROOT" && node --import tsx -e "
  const { copyCorpusSpool } = await import('./test/helpers/corpus.ts');
  const { renameSync } = await import('node:fs');
  const copy = copyCorpusSpool('basic');
  renameSync(copy.spool, process.argv[1]);
  copy.cleanup();
" "$WORK/corpus-spool" && echo "$WORK/corpus-spool")"
start 80 24 "--spool '$CORPUS' --read-only"
shot corpus-80x24
key 6
wait_for '^corrupt [0-9]+'
key Enter
wait_for 'offset|record'
shot corpus-corrupt-message-80x24
key Escape
wait_for 'QUEUE ID'
quit
start 100 12 "--spool '$CORPUS' --read-only"
shot corpus-100x12
quit
