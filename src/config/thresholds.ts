/**
 * Thresholds from a JSON file and flags -> Thresholds (domain/thresholds.ts).
 *
 * The file: `--thresholds FILE`, else thresholds.json beside the user's themes
 * ($XDG_CONFIG_HOME/postq/thresholds.json, else ~/.config/postq/thresholds.json) when it
 * exists. An object by queue name (or `total`), each with `count` and/or `age`, each with
 * `warning` and/or `critical`; ages are seconds or an age with units ("30m", "1h30m", "2d"):
 *
 *   { "deferred": { "count": { "warning": 1000, "critical": 5000 }, "age": { "warning": "4h", "critical": "2d" } },
 *     "active": { "count": { "warning": 15000 } } }
 *
 * Flags, repeatable, override the file per queue and kind: `--threshold deferred.count=1000:5000`,
 * `--threshold total.age=4h:2d`, `--threshold hold.count=:100` (critical only).
 * Errors throw UsageError naming the file and key, or the flag (exit 2); reads one file, a
 * regular file of at most 64 KiB opened without blocking (a FIFO put in its place is refused,
 * not waited on: the file is read again while the console runs, cli/thresholds-feed.ts).
 */
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { basename } from 'node:path';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../domain/errors.js';
import { QUEUE_NAMES } from '../domain/queue.js';
import type { LevelPair, QueueThreshold, Thresholds, ThresholdScope } from '../domain/thresholds.js';
import { parseAge } from '../domain/units.js';
import { readBoundedText } from './bounded-read.js';

const SCOPES: readonly string[] = [...QUEUE_NAMES, 'total'];
type Kind = 'count' | 'age';

export function defaultThresholdsFile(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'postq', 'thresholds.json');
}

function value(kind: Kind, raw: unknown, where: string): number {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return raw;
  if (kind === 'age' && typeof raw === 'string') {
    try {
      return parseAge(raw);
    } catch {
      /* the message below says what an age looks like */
    }
  }
  throw new UsageError(`${where}: ${kind === 'age' ? 'an age in seconds or with units (30m, 4h, 2d)' : 'a count (a number, 0 or more)'}, not ${JSON.stringify(raw)?.slice(0, 40)}`);
}

function checkOrder(pair: LevelPair, where: string): LevelPair {
  if (pair.warning !== null && pair.critical !== null && pair.critical < pair.warning) {
    throw new UsageError(`${where}: critical (${pair.critical}) is below warning (${pair.warning})`);
  }
  return pair;
}

/** The thresholds in a parsed JSON document (`file` names it in errors). */
export function parseThresholdsJson(file: string, json: unknown): Thresholds {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(json)) throw new UsageError(`${file}: thresholds must be a JSON object by queue name`);
  const out: Partial<Record<ThresholdScope, QueueThreshold>> = {};
  for (const [scope, body] of Object.entries(json)) {
    if (scope === '$schema' || scope === 'description') continue;
    if (!SCOPES.includes(scope)) throw new UsageError(`${file}: ${scope}: not a queue (${SCOPES.join(', ')})`);
    if (!isObject(body)) throw new UsageError(`${file}: ${scope}: must be an object with count and/or age`);
    const t: QueueThreshold = {};
    for (const [kind, levels] of Object.entries(body)) {
      const where = `${file}: ${scope}.${kind}`;
      if (kind !== 'count' && kind !== 'age') throw new UsageError(`${where}: unknown (expected count or age)`);
      if (!isObject(levels)) throw new UsageError(`${where}: must be an object with warning and/or critical`);
      for (const k of Object.keys(levels)) if (k !== 'warning' && k !== 'critical') throw new UsageError(`${where}.${k}: unknown (expected warning or critical)`);
      const level = (k: 'warning' | 'critical') => (levels[k] === undefined || levels[k] === null ? null : value(kind, levels[k], `${where}.${k}`));
      t[kind] = checkOrder({ warning: level('warning'), critical: level('critical') }, where);
    }
    out[scope as ThresholdScope] = t;
  }
  return out;
}

/** One `--threshold QUEUE.KIND=WARNING:CRITICAL` flag (either side may be empty). */
export function parseThresholdFlag(spec: string): { scope: ThresholdScope; kind: Kind; pair: LevelPair } {
  const m = /^([a-z]+)\.(count|age)=([^:]*)(?::([^:]*))?$/.exec(spec);
  const where = `--threshold ${spec}`;
  if (!m || !SCOPES.includes(m[1]!)) throw new UsageError(`${where}: expected QUEUE.count=WARNING:CRITICAL or QUEUE.age=WARNING:CRITICAL (QUEUE: ${SCOPES.join(', ')})`);
  const kind = m[2] as Kind;
  const side = (raw: string | undefined) => (raw === undefined || raw === '' ? null : value(kind, kind === 'count' ? Number(raw) : /^\d+(?:\.\d+)?$/.test(raw) ? Number(raw) : raw, where));
  const pair = checkOrder({ warning: side(m[3]), critical: side(m[4]) }, where);
  if (pair.warning === null && pair.critical === null) throw new UsageError(`${where}: give a warning and/or a critical level`);
  return { scope: m[1] as ThresholdScope, kind, pair };
}

export interface ThresholdSources {
  /** --thresholds FILE (must exist), else the default file when present. */
  file?: string | undefined;
  flags?: readonly string[] | undefined;
  env?: NodeJS.ProcessEnv;
}

const MAX_BYTES = 64 * 1024;

/** The file's text: a regular file, opened non-blocking, at most MAX_BYTES. */
function readSmallFile(file: string): string {
  // safe: the admin's own config (the path given, or beside the themes), not the spool; a symlink
  // from config management is followed as for themes; the type is checked, the read bounded, and
  // no error quotes the content.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return readBoundedText(fd, MAX_BYTES);
  } finally {
    closeSync(fd);
  }
}

function readThresholdsFile(file: string): Thresholds {
  let text: string;
  try {
    text = readSmallFile(file);
  } catch (error) {
    throw new UsageError(`${file}: cannot read thresholds: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseThresholdsJson(file, JSON.parse(text));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Not the parser's message: it quotes the file, which may be anything a symlink names.
    throw new UsageError(`${file}: not valid JSON`);
  }
}

/** The file the thresholds come from: --thresholds FILE, else the default file when it exists, else null. */
export function thresholdsFile(sources: ThresholdSources = {}): string | null {
  const fallback = defaultThresholdsFile(sources.env ?? process.env);
  return sources.file ?? (existsSync(fallback) ? fallback : null);
}

/** A thresholds error for one line (the flash, a log line): the file's name, not its path, first. */
export function thresholdsErrorLine(file: string, error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  const detail = message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
  return `${basename(file)}: ${detail}`;
}

export function loadThresholds(sources: ThresholdSources = {}): Thresholds {
  const file = thresholdsFile(sources);
  const out: Partial<Record<ThresholdScope, QueueThreshold>> = file ? { ...readThresholdsFile(file) } : {};
  for (const spec of sources.flags ?? []) {
    const { scope, kind, pair } = parseThresholdFlag(spec);
    out[scope] = { ...out[scope], [kind]: pair };
  }
  return out;
}
