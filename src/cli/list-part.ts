/**
 * Which command lines the single-file bundle (scripts/bundle.mjs) runs from its list part: the
 * CLI without the console's code (Ink, React, the fleet), so that `node postq.mjs list --json`
 * in a cron job holds none of it. Every other command line runs the whole program, carried
 * packed in the same file. `list` and `count` on this host only: the fleet's forms of them
 * (--host, --context, --all-instances, several -c) go to the whole program, as main.ts's
 * dispatch sends them to dispatchFleet before anything else. The command may follow the spool
 * options (command-first.ts), as the dispatch takes it.
 */
import { commandFirst } from './command-first.js';
import { isFleetInvocation } from './fleet-args.js';

export function runsInListPart(argv: readonly string[]): boolean {
  const args = commandFirst(argv);
  const command = args[0];
  return (command === 'list' || command === 'count') && !isFleetInvocation(args);
}
