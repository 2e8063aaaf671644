/**
 * Argument parsing and dispatch for every `postq` subcommand, with the exit-code policy:
 * 0 ok, 1 a message could not be read, 2 usage, 3 spool not readable, 4 no mail log readable (postq log).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SpoolAccessError, UsageError } from '../domain/errors.js';
import { printable } from '../spool/printable.js';
import { assertPostfixSpool, resolveSpoolConfig } from '../config/spool-config.js';
import { runCount, runList, parseQueueList } from './list-command.js';
import { runCat } from './cat-command.js';
import { ACTION_COMMANDS, parseBackendName, readAllStdin, runActionCommand } from './action-command.js';
import { commandFirst } from './command-first.js';
import { isFleetInvocation } from './fleet-args.js';
import { COMMAND_HELP, EXIT_CODES_HELP } from './help-text.js';
import { POSTQ_VERSION } from './version.js';
import { dispatchFleet, runContexts } from './fleet-dispatch.js';

export const EXIT = { ok: 0, unreadable: 1, usage: 2, spool: 3 } as const;

const USAGE = `usage:
  postq [--spool DIR | -c CONFIG_DIR] [--backend postsuper|direct] [--read-only] [--no-audit] [--theme NAME] [--no-alt-screen]
        [--pick] [--monitor] [--stuck-after SECONDS] [--threshold Q.KIND=WARN:CRIT]... [--thresholds FILE]
                                                                    open the console (--pick: print the marked ids on q;
                                                                    --monitor: sparklines and top reasons, no list)
  postq list [--json] [--all] [--queue NAME[,NAME...]] [--filter EXPR] [--spool DIR | -c CONFIG_DIR]
  postq count [--all] [--queue NAME[,NAME...]] [--filter EXPR] [--spool DIR | -c CONFIG_DIR]
  postq top [--by reason|domain|sender|sasl|client] [--queue Q] [--filter EXPR] [--json] [--limit N] [--spool DIR | -c CONFIG_DIR]
  postq shape [--by sender | -s] [--spool DIR | -c CONFIG_DIR] [QUEUE...]   what qshape prints
  postq cat [-e] [-h] [-b] [--spool DIR | -c CONFIG_DIR] QUEUE_ID...
  postq stats [--json | --prometheus] [--watch N --output FILE] [--threshold ...] [--thresholds FILE] [--spool DIR | -c CONFIG_DIR]
  postq log [--json] [--follow] [--since T] [--until T] [--log FILE|journal]... [-c CONFIG_DIR] QUEUE_ID...
                                                                    the message's log trail
  postq hold|release|requeue|delete|expire|deliver [--queue Q] [--filter EXPR] [ID...|-] [--dry-run] [--yes]
        [--spool DIR | -c CONFIG_DIR] [--backend postsuper|direct] [--no-audit]
                                                                    change the queue (audited)
  postq --demo [--rate N] [--messages N] [--theme NAME]              the console on a simulated mail system
  postq --host [USER@]HOST[:PORT] | --host exec:CMD | -c DIR -c DIR | --all-instances | --context NAME
        [--spool DIR | -c DIR] [--remote-postq CMD] [--install-remote] [--read-only] [--no-audit] [--pick]
                                                                    the fleet console (over OpenSSH)
  postq list|stats|count|top ... --host H [--host H2] | --context NAME   the same, run on each target
  postq contexts                                                     the named target sets
  postq serve --stdio [--spool DIR | -c CONFIG_DIR] [--read-only] [--no-audit]  the remote side (run by the fleet console)
`;

const SPOOL_OPTIONS = {
  spool: { type: 'string' },
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function spoolConfig(values: { spool?: string | undefined; config?: string | undefined }) {
  if (values.spool && values.config) throw new UsageError('give --spool or -c, not both');
  if (values.spool) assertPostfixSpool(values.spool);
  return resolveSpoolConfig({ spool: values.spool ?? null, configDir: values.config ?? null });
}

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

async function dispatch(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (isFleetInvocation(argv)) return dispatchFleet(argv, out, err);
  if (command === 'contexts') return runContexts(out);
  if (command === 'serve') {
    const { values, positionals } = parse(rest, {
      ...SPOOL_OPTIONS,
      stdio: { type: 'boolean' },
      read: { type: 'string' },
      path: { type: 'string' },
      offset: { type: 'string' },
      length: { type: 'string' },
      expect: { type: 'string' },
      backend: { type: 'string' },
      'read-only': { type: 'boolean' },
      'no-audit': { type: 'boolean' },
    });
    if (values.help) return out(COMMAND_HELP['serve']!), EXIT.ok;
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const { runServeCommand } = await import('./serve-command.js');
    return runServeCommand(spoolConfig(values), values);
  }
  if (command === 'list' || command === 'count') {
    const { values, positionals } = parse(rest, {
      ...SPOOL_OPTIONS,
      ...(command === 'list' ? { json: { type: 'boolean' } } : {}),
      all: { type: 'boolean' },
      queue: { type: 'string' },
      filter: { type: 'string' },
    });
    if (values.help) return out(COMMAND_HELP[command]!), EXIT.ok;
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const config = spoolConfig(values);
    const options = { json: !!(values as { json?: boolean }).json, all: !!values.all, queues: parseQueueList(values.queue), filter: values.filter ?? null };
    return command === 'list' ? runList(config, options, process.stdout) : runCount(config, options, out);
  }
  if (command === 'top') {
    const { values, positionals } = parse(rest, {
      ...SPOOL_OPTIONS,
      by: { type: 'string' },
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      queue: { type: 'string' },
      filter: { type: 'string' },
      limit: { type: 'string' },
    });
    if (values.help) return out(COMMAND_HELP['top']!), EXIT.ok;
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const { parseGroupBy, parseLimit, runTop } = await import('./top-command.js');
    const options = { by: parseGroupBy(values.by), limit: parseLimit(values.limit), json: !!values.json, all: !!values.all, queues: parseQueueList(values.queue), filter: values.filter ?? null };
    return runTop(spoolConfig(values), options, out);
  }
  if (command === 'shape') {
    const { values, positionals } = parse(rest, { ...SPOOL_OPTIONS, by: { type: 'string' }, sender: { type: 'boolean', short: 's' } });
    if (values.help) return out(USAGE), EXIT.ok;
    if (values.by !== undefined && values.by !== 'sender' && values.by !== 'recipient') throw new UsageError(`--by ${values.by}: sender or recipient`);
    const { parseShapeQueues, runShape } = await import('./shape-command.js');
    return runShape(spoolConfig(values), { queues: parseShapeQueues(positionals), bySender: !!values.sender || values.by === 'sender' }, out);
  }
  if (command === 'cat') {
    const { values, positionals } = parse(rest, {
      ...SPOOL_OPTIONS,
      // postcat's -h (headers) wins here; --help is still help.
      help: { type: 'boolean' },
      envelope: { type: 'boolean', short: 'e' },
      headers: { type: 'boolean', short: 'h' },
      body: { type: 'boolean', short: 'b' },
    });
    if (values.help) return out(COMMAND_HELP['cat']!), EXIT.ok;
    if (positionals.length === 0) throw new UsageError('cat takes one or more QUEUE_IDs');
    const config = spoolConfig(values);
    const sections = { envelope: !!values.envelope, headers: !!values.headers, body: !!values.body };
    // Like postcat -q with several ids: each in turn; any that could not be read makes it 1.
    let code: number = EXIT.ok;
    for (const id of positionals) code = Math.max(code, runCat(config, id, sections, out, err));
    return code;
  }
  if (command === 'stats') {
    const { values, positionals } = parse(rest, {
      ...SPOOL_OPTIONS,
      json: { type: 'boolean' },
      prometheus: { type: 'boolean' },
      watch: { type: 'string' },
      output: { type: 'string' },
      threshold: { type: 'string', multiple: true },
      thresholds: { type: 'string' },
    });
    if (values.help) return out(COMMAND_HELP['stats']!), EXIT.ok;
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const { parseStatsOptions, runStats } = await import('./stats-command.js');
    const { loadThresholds } = await import('../config/thresholds.js');
    const thresholdSources = { file: values.thresholds, flags: values.threshold };
    const options = { ...parseStatsOptions(values), thresholds: loadThresholds(thresholdSources), thresholdSources };
    return runStats(spoolConfig(values), options, out);
  }
  if (command === 'log') {
    const { values, positionals } = parse(rest, {
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      follow: { type: 'boolean', short: 'f' },
      since: { type: 'string' },
      until: { type: 'string' },
      log: { type: 'string', multiple: true },
    });
    if (values.help) return out(COMMAND_HELP['log']!), EXIT.ok;
    const options = {
      ids: positionals,
      json: !!values.json,
      follow: !!values.follow,
      since: values.since ?? null,
      until: values.until ?? null,
      logs: values.log ?? [],
      configDir: values.config ?? null,
    };
    const { runLogCommand } = await import('./log-command.js');
    return runLogCommand(options, { out, err });
  }
  if ((ACTION_COMMANDS as readonly string[]).includes(command ?? '')) {
    const { values, positionals } = parse(rest, {
      ...SPOOL_OPTIONS,
      queue: { type: 'string' },
      filter: { type: 'string' },
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean' },
      backend: { type: 'string' },
      'no-audit': { type: 'boolean' },
    });
    if (values.help) return out(COMMAND_HELP['action']!), EXIT.ok;
    const options = {
      action: command as (typeof ACTION_COMMANDS)[number],
      queues: parseQueueList(values.queue),
      filter: values.filter ?? null,
      ids: positionals,
      dryRun: !!values['dry-run'],
      yes: !!values.yes,
      backend: parseBackendName(values.backend),
      bareSpool: !!values.spool && !values.config,
      noAudit: !!values['no-audit'],
    };
    return runActionCommand(spoolConfig(values), options, { out, err, readStdin: readAllStdin });
  }
  if (argv.includes('--demo')) {
    const { values, positionals } = parse(argv, {
      demo: { type: 'boolean' },
      rate: { type: 'string' },
      messages: { type: 'string' },
      seed: { type: 'string' },
      theme: { type: 'string' },
      'read-only': { type: 'boolean' },
      'no-alt-screen': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return out(COMMAND_HELP['demo']!), EXIT.ok;
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    // Loaded on demand: list, cat and the actions must not pay for Ink and React at start-up.
    await beforeInkFirst();
    const { runDemoCommand } = await import('./demo-command.js');
    return runDemoCommand(values);
  }
  if (command === '--help' || command === '-h' || command === 'help') return out(`${USAGE}\n'postq COMMAND --help' lists a command's options.\n\n${EXIT_CODES_HELP}`), EXIT.ok;
  if (command === '--version' || command === '-V') return out(`postq ${POSTQ_VERSION}\n`), EXIT.ok;
  if (command === undefined || command.startsWith('-')) {
    const { values, positionals } = parse(argv, {
      ...SPOOL_OPTIONS,
      backend: { type: 'string' },
      'read-only': { type: 'boolean' },
      'no-audit': { type: 'boolean' },
      theme: { type: 'string' },
      'no-alt-screen': { type: 'boolean' },
      pick: { type: 'boolean' },
      'stuck-after': { type: 'string' },
      threshold: { type: 'string', multiple: true },
      thresholds: { type: 'string' },
      monitor: { type: 'boolean' },
    });
    if (values.help) return out(COMMAND_HELP['console']!), EXIT.ok;
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    await beforeInkFirst();
    const { runConsoleCommand } = await import('./console-command.js');
    return runConsoleCommand(spoolConfig(values), values);
  }
  throw new UsageError(`unknown command: ${command}`);
}

/**
 * A reader that stops early (`postq list | head`) closes the pipe: the next write fails with
 * EPIPE. That is the reader's choice, not an error: end quietly, as cat and mailq do.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

export async function runMain(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  try {
    return await dispatch(commandFirst(argv));
  } catch (error) {
    if (error instanceof UsageError) {
      // Arguments are untrusted text too: an escape sequence in one is shown, never sent.
      const message = error.message.split('\n').map((line) => printable(line)).join('\n');
      err(`postq: ${message}\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof SpoolAccessError) {
      err(`postq: ${error.message}\n`);
      return EXIT.spool;
    }
    throw error;
  }
}

/** Before Ink loads (ui/before-ink.ts): its text-size cache bounded, yoga loaded without fetch. */
async function beforeInkFirst(): Promise<void> {
  await (await import('../ui/before-ink.js')).beforeInk();
}
