/**
 * `--help` text: the overview (`postq -h`) and one page per command, each option on a line of
 * its own, with the exit codes. Data only; main.ts prints it.
 */

export const EXIT_CODES_HELP = `exit codes:
  0  ok
  1  a message could not be read, or an action asked for was not (all) done
  2  usage
  3  the spool or the Postfix configuration is not readable (with the reason)
  4  postq log found no mail log it could read
  5  this Node is older than 20.19
`;

const SPOOL = `  --spool DIR          the queue directory (a copy, the demo); read-only for the console unless --backend direct
  -c, --config DIR     a Postfix configuration directory (postconf -c): its queue_directory and settings`;
const HELP = `  -h, --help           this help`;

const page = (usage: string, what: string, options: string) => `usage: ${usage}\n\n${what}\n\noptions:\n${options}\n${HELP}\n\n${EXIT_CODES_HELP}`;

export const COMMAND_HELP: Record<string, string> = {
  console: page(
    'postq [options]',
    'The live console on the queue.',
    `${SPOOL}
  --backend NAME       postsuper (the instance of -c, or the default) or direct (renames; a spool no Postfix runs on)
  --read-only          no actions at all
  --no-audit           act without the audit log (else an unusable log refuses every action); the header says [audit off]
  --theme NAME         a theme from themes/ or $XDG_CONFIG_HOME/postq/themes
  --no-alt-screen      draw in the normal screen, not the alternate one
  --pick               on q, print the marked ids, one a line
  --monitor            start in the monitor view (sparklines, top reasons; a list key opens the list)
  --stuck-after SECS   how long an incoming 0600 file or a maildrop message may wait
  --threshold Q.K=W:C  amber/red levels: Q a queue or total, K count or age (deferred.count=1000:5000, total.age=4h:2d)
  --thresholds FILE    levels from a JSON file (default $XDG_CONFIG_HOME/postq/thresholds.json)
  --version            print the version`,
  ),
  list: page(
    'postq list [options]',
    "What mailq (postqueue -p) prints; --json what postqueue -j prints.",
    `  --json               one JSON object per message, as postqueue -j, plus a postq member
  --all                also corrupt/, files being written and files showq skips, marked
  --queue NAME[,NAME]  only these queues
  --filter EXPR        the console's filter language
${SPOOL}`,
  ),
  count: page(
    'postq count [options]',
    'How many messages, per queue.',
    `  --all                also corrupt/ and files showq skips
  --queue NAME[,NAME]  only these queues
  --filter EXPR        the console's filter language
${SPOOL}`,
  ),
  top: page(
    'postq top [options]',
    'The largest groups of messages.',
    `  --by KEY             reason, domain, sender, sasl or client
  --queue Q            only this queue
  --filter EXPR        the console's filter language
  --json               JSON output
  --limit N            at most N groups
  --all                also corrupt/ and files showq skips
${SPOOL}`,
  ),
  cat: page(
    'postq cat [options] QUEUE_ID...',
    'What postcat -q prints, for each id in turn (any queue, corrupt/ included).',
    `  -e, --envelope       the envelope only
  -h, --headers        the headers only (as postcat -h; here --help is help)
  -b, --body           the body only
${SPOOL}`,
  ),
  stats: page(
    'postq stats [options]',
    'Per-queue figures, the active limit, whether Postfix runs.',
    `  --json               one JSON object
  --prometheus         the Prometheus text format
  --watch N            keep watching; rewrite --output every N seconds
  --output FILE        where --watch writes (atomically)
  --threshold Q.K=W:C  a level column: Q a queue or total, K count or age (deferred.count=1000:5000)
  --thresholds FILE    levels from a JSON file (default $XDG_CONFIG_HOME/postq/thresholds.json)
${SPOOL}`,
  ),
  log: page(
    'postq log [options] QUEUE_ID...',
    "Every log line of the messages' trail.",
    `  --json               JSON lines
  -f, --follow         keep reading as the log grows
  --since T            from this time
  --until T            up to this time
  --log FILE|journal   where to read (repeatable); default from the configuration
  -c, --config DIR     a Postfix configuration directory`,
  ),
  action: page(
    'postq hold|release|requeue|delete|expire|deliver [options] [ID...|-]',
    'Change the queue (audited). Without --yes: what would be done, nothing changed.',
    `  ID... | -            queue ids, or - for ids on stdin (one a line; mailq markers stripped)
  --queue Q            every message in Q (with ids: only ids in Q)
  --filter EXPR        the console's filter language
  --dry-run            print what would be done, even with --yes
  --yes                do it
  --backend NAME       postsuper (default with -c or a Postfix host) or direct (renames; with --spool)
${SPOOL}`,
  ),
  demo: page(
    'postq --demo [options]',
    'The console on a simulated mail system (a temporary spool, removed on exit).',
    `  --rate N             new messages a second (default 3)
  --messages N         the initial queue (default 200)
  --seed N             the same queue every time
  --theme NAME         a theme
  --read-only          no actions
  --no-alt-screen      draw in the normal screen`,
  ),
  serve: page(
    'postq serve --stdio [options]',
    'The remote side of the fleet console (started by it over ssh).',
    `  --stdio              speak the protocol on stdin/stdout
  --read-only          no actions
  --no-audit           act without this host's audit log (else an unusable log refuses every action)
  --backend NAME       postsuper or direct
${SPOOL}`,
  ),
};
