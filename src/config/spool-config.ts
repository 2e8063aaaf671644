/**
 * Where the spool is and how it is laid out: --spool, else `postconf -h queue_directory`, else
 * /var/spool/postfix. Where postconf answers, its values for the layout and the empty address
 * win; for a bare --spool the long-id setting and hash depth are inferred from what is on disk.
 * The same one postconf call reads the queue limits and lifetimes (postfix-limits.ts); a bare
 * --spool gets Postfix's defaults, marked as such. Runs postconf (read-only) and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpoolAccessError } from '../domain/errors.js';
import { hashKey, isLongQueueId, isQueueIdName } from '../domain/queue-id.js';
import { DEFAULT_POSTFIX_LIMITS, type PostfixLimits } from '../domain/postfix-limits.js';
import { LIMIT_PARAMS, limitsFromPostconf } from './postfix-limits.js';

export interface SpoolConfig {
  queueDirectory: string;
  /** The -c CONFIG_DIR given, passed on to postsuper and postqueue. */
  configDir: string | null;
  /** enable_long_queue_ids; picks mailq's column layout. */
  longQueueIds: boolean;
  emptyAddress: string;
  hashQueueNames: string[];
  hashQueueDepth: number;
  duplicateFilterLimit: number;
  /** True when postconf answered (a Postfix installation manages this spool). */
  fromPostconf: boolean;
  /** Queue limits, lifetimes and intervals: postconf's, or Postfix's defaults (limits.source). */
  limits: PostfixLimits;
  /**
   * config_directory as postconf reported it (the -c given, else MAIL_CONFIG, else the
   * default): the instance whose queue this is. postsuper is pinned to it with -c, so an
   * action never reaches another instance's queue. Null when postconf did not answer.
   */
  instanceConfigDir?: string | null;
}

export const DEFAULT_QUEUE_DIRECTORY = '/var/spool/postfix';

const PARAMS = [
  'queue_directory',
  'config_directory',
  'enable_long_queue_ids',
  'empty_address_recipient',
  'hash_queue_names',
  'hash_queue_depth',
  'duplicate_filter_limit',
  ...LIMIT_PARAMS,
] as const;

/**
 * `postconf [-c DIR] -x -h name...` -> values, or why it did not answer (missing, fatal). -x
 * expands $references (e.g. `maximal_backoff_time = $queue_run_delay`) as Postfix would.
 */
export function runPostconf(configDir: string | null): { values: Map<string, string> } | { error: string } {
  const args = [...(configDir ? ['-c', configDir] : []), '-x', '-h', ...PARAMS];
  try {
    const out = execFileSync('postconf', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    const values = out.split('\n');
    return { values: new Map(PARAMS.map((name, i) => [name, (values[i] ?? '').trim()])) };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return { error: 'postconf not found: is Postfix installed, and is /usr/sbin in PATH?' };
    // postconf's last line is its fatal ("open /x/main.cf: No such file or directory").
    const said = (e.stderr ?? '').trim().split('\n').pop()?.replace(/^postconf: (?:fatal: )?/, '');
    return { error: said ? `postconf: ${said}` : `postconf failed: ${e.message}` };
  }
}

/** `postconf [-c DIR] -h name...` -> values, or null when postconf is missing or fails. */
export function readPostconf(configDir: string | null): Map<string, string> | null {
  const answer = runPostconf(configDir);
  return 'values' in answer ? answer.values : null;
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Depth of one-character subdirectories under a hashed queue (0 when flat). */
function inferHashDepth(dir: string): number {
  let depth = 0;
  let current = dir;
  for (;;) {
    const sub = listNames(current).find((n) => n.length === 1);
    if (!sub) return depth;
    depth++;
    current = join(current, sub);
  }
}

/** Long ids are on when any queue file found has a long name. */
function inferLongIds(queueDirectory: string): boolean {
  const stack = ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt'].map((q) => join(queueDirectory, q));
  let looked = 0;
  while (stack.length > 0 && looked < 2000) {
    const dir = stack.pop()!;
    for (const name of listNames(dir)) {
      looked++;
      if (name.length === 1) stack.push(join(dir, name));
      else if (isQueueIdName(name)) return isLongQueueId(name);
    }
  }
  return false;
}

/** Postfix's defaults for a spool no configuration describes (the demo, a bare --spool). */
export function defaultSpoolConfig(queueDirectory: string): SpoolConfig {
  return {
    queueDirectory,
    configDir: null,
    longQueueIds: false,
    emptyAddress: 'MAILER-DAEMON',
    hashQueueNames: ['deferred', 'defer'],
    hashQueueDepth: 1,
    duplicateFilterLimit: 1000,
    fromPostconf: false,
    limits: DEFAULT_POSTFIX_LIMITS,
  };
}

export interface SpoolConfigOptions {
  spool?: string | null;
  configDir?: string | null;
}

/**
 * Throws SpoolAccessError when `dir` can be listed but holds none of the queue directories
 * (/etc, an empty folder, a queue directory itself): showing it would be a false "empty".
 * A directory that cannot be listed is left to the readers, which say why (exit 3).
 */
export function assertPostfixSpool(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  if (!SPOOL_QUEUES.some((q) => names.includes(q))) {
    throw new SpoolAccessError(
      `${dir} is not a Postfix spool: it has none of the queue directories (${SPOOL_QUEUES.join(', ')}); give the queue_directory itself (postconf -h queue_directory)`,
      dir,
      'ENOTSPOOL',
    );
  }
}

const SPOOL_QUEUES = ['maildrop', 'incoming', 'active', 'deferred', 'hold'] as const;

export function resolveSpoolConfig(options: SpoolConfigOptions): SpoolConfig {
  const configDir = options.configDir ?? null;
  // A bare --spool is a directory no Postfix config describes (a copy, the demo): infer.
  let postconf: Map<string, string> | null = null;
  if (configDir) {
    // A -c that postconf cannot read (a typo, no main.cf) must not fall back to the default spool.
    const answer = runPostconf(configDir);
    if ('error' in answer) throw new SpoolAccessError(`-c ${configDir}: ${answer.error}`, configDir, 'ENOCONF');
    postconf = answer.values;
  } else if (!options.spool) postconf = readPostconf(null);
  const queueDirectory = options.spool ?? (postconf?.get('queue_directory') || DEFAULT_QUEUE_DIRECTORY);
  if (postconf) {
    const int = (name: string, fallback: number) => {
      const n = Number.parseInt(postconf.get(name) ?? '', 10);
      return Number.isFinite(n) ? n : fallback;
    };
    return {
      queueDirectory,
      configDir,
      longQueueIds: postconf.get('enable_long_queue_ids') === 'yes',
      emptyAddress: postconf.get('empty_address_recipient') || 'MAILER-DAEMON',
      hashQueueNames: (postconf.get('hash_queue_names') ?? '').split(/[\s,]+/).filter(Boolean).map((s) => s.toLowerCase()),
      hashQueueDepth: Math.max(1, int('hash_queue_depth', 1)),
      duplicateFilterLimit: int('duplicate_filter_limit', 1000),
      fromPostconf: true,
      limits: limitsFromPostconf(postconf),
      instanceConfigDir: postconf.get('config_directory') || configDir,
    };
  }
  const deferDepth = inferHashDepth(join(queueDirectory, 'defer')) || inferHashDepth(join(queueDirectory, 'deferred'));
  return {
    ...defaultSpoolConfig(queueDirectory),
    configDir,
    longQueueIds: inferLongIds(queueDirectory),
    hashQueueDepth: Math.max(1, deferDepth),
  };
}

/**
 * The -c that pins postsuper and postqueue to the instance whose spool this is: the -c given,
 * else the config_directory postconf answered with (MAIL_CONFIG or the default). Null when no
 * Postfix configuration describes the spool: then nothing may run postsuper on it.
 */
export function instanceConfigDir(config: SpoolConfig): string | null {
  if (!config.fromPostconf) return null;
  return config.configDir ?? config.instanceConfigDir ?? null;
}

/** The path Postfix computes for an id in a queue, relative to the queue directory. */
export function queuePath(config: SpoolConfig, queueName: string, id: string): string {
  if (!config.hashQueueNames.includes(queueName)) return `${queueName}/${id}`;
  // Built as one string (no arrays): a warm start asks this for every defer log it lstats.
  const key = hashKey(id);
  let path = queueName;
  for (let i = 0; i < config.hashQueueDepth; i++) path += `/${key[i] ?? '_'}`;
  return `${path}/${id}`;
}
