/**
 * `postq -c /etc/postfix-out list` as `postq list -c /etc/postfix-out`: the spool options every
 * command takes may come before the command, as `git -C DIR status` or `postqueue -c DIR -p`
 * have them. Only those (-c/--config, --spool, each with its value) are looked past: any other
 * option first means the console or the demo, whose own parse says what is wrong. Used by the
 * dispatch (main.ts) and by list-part.ts, so the bundle runs such a `list` in its list part too.
 */
const COMMANDS = new Set(['list', 'count', 'top', 'shape', 'cat', 'stats', 'log', 'serve', 'contexts', 'hold', 'release', 'requeue', 'delete', 'expire', 'deliver']);
const WITH_VALUE = new Set(['-c', '--config', '--spool']);

export function commandFirst(argv: readonly string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (WITH_VALUE.has(arg)) i += 2;
    else if (arg.startsWith('--config=') || arg.startsWith('--spool=') || (arg.startsWith('-c') && arg.length > 2 && !arg.startsWith('--'))) i += 1;
    else break;
  }
  if (i === 0 || i >= argv.length || !COMMANDS.has(argv[i]!)) return [...argv];
  return [argv[i]!, ...argv.slice(0, i), ...argv.slice(i + 1)];
}
