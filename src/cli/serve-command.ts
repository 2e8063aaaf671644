/**
 * `postq serve --stdio [--spool DIR | -c DIR] [--backend postsuper|direct] [--read-only] [--no-audit]`: the
 * remote side of the fleet console (src/remote/serve.ts) on this host, with the same watcher,
 * backend choice and audit log as the local console. And `postq serve --read ID --path PATH
 * [--offset N --length N --expect DEV:INO]`: one message's first bytes (or a later window of
 * that same file) as a JSON line, for the fleet console's message pane.
 *
 * Exit codes: 0 when stdin closes, 2 for usage or a protocol mismatch, 3 when the spool cannot
 * be read (the client is told why in a `fatal` line first).
 */
import { hostname } from 'node:os';
import type { SpoolConfig } from '../config/spool-config.js';
import { UsageError } from '../domain/errors.js';
import { isQueueIdName } from '../domain/queue-id.js';
import { createReadOnlyBackend } from '../actions/read-only-backend.js';
import { withIdentityCheck } from '../actions/identity-check.js';
import { currentFileIn } from '../watch/current-file.js';
import { runServe } from '../remote/serve.js';
import { MAX_READ_BYTES } from '../remote/protocol.js';
import { readMessagePrefix, readMessageWindow } from '../watch/read-message.js';
import { createSpoolWatcher } from '../watch/spool-watcher.js';
import { chooseBackend } from './choose-backend.js';
import { POSTQ_VERSION } from './version.js';

export interface ServeFlags {
  stdio?: boolean | undefined;
  read?: string | undefined;
  path?: string | undefined;
  /** With --read: a later window of the message (`--offset N --length N --expect DEV:INO`). */
  offset?: string | undefined;
  length?: string | undefined;
  expect?: string | undefined;
  backend?: string | undefined;
  'read-only'?: boolean | undefined;
  'no-audit'?: boolean | undefined;
}

/** A later window: where, how much (at most MAX_READ_BYTES) and of which file. */
export interface ReadWindow {
  offset: number;
  length: number;
  identity: { dev: number; ino: number };
}

const isListedPath = (queueId: string, path: string | null): path is string =>
  path !== null && path.split('/').every((p) => p && p !== '..') && path.endsWith(`/${queueId}`);

/** Read one message by id (the path a listing gave first, else postcat's search), or a later window of it. */
function readForClient(config: SpoolConfig, queueId: string, path: string | null, window?: ReadWindow) {
  if (!isQueueIdName(queueId)) throw new UsageError('not a queue id');
  if (window) {
    if (!isListedPath(queueId, path)) throw new UsageError('a window needs the path the first read gave');
    return readMessageWindow(config, path, window.offset, Math.min(window.length, MAX_READ_BYTES), window.identity);
  }
  return readMessagePrefix(config, queueId, isListedPath(queueId, path) ? path : null, MAX_READ_BYTES);
}

/** `--offset N --length N --expect DEV:INO` as a window, or null without --offset; UsageError when malformed. */
export function parseReadWindow(flags: Pick<ServeFlags, 'offset' | 'length' | 'expect'>): ReadWindow | null {
  if (flags.offset === undefined) return null;
  const int = (v: string | undefined) => (v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : null);
  const offset = int(flags.offset);
  const length = int(flags.length);
  const m = /^(\d{1,20}):(\d{1,20})$/.exec(flags.expect ?? '');
  if (offset === null || length === null || !m) throw new UsageError('--offset needs --length N and --expect DEV:INO');
  return { offset, length, identity: { dev: Number(m[1]), ino: Number(m[2]) } };
}

/**
 * One JSON line: the message's path, its bytes (base64; at most MAX_READ_BYTES), its size and
 * identity (so the client can ask for later windows of this same file), or why not.
 */
export function runServeRead(config: SpoolConfig, queueId: string, path: string | null, write: (t: string) => void, window?: ReadWindow): number {
  try {
    const found = readForClient(config, queueId, path, window);
    const bytes = found ? found.bytes.subarray(0, MAX_READ_BYTES) : null;
    const more = found ? { size: found.size ?? found.bytes.length, identity: found.identity ?? null } : {};
    write(`${JSON.stringify({ path: found?.path ?? null, data: bytes ? bytes.toString('base64') : null, ...more, error: found ? null : 'the message is no longer in the queue' })}\n`);
    return 0;
  } catch (error) {
    write(`${JSON.stringify({ path: null, data: null, error: (error as Error).message })}\n`);
    return 0;
  }
}

export async function runServeCommand(config: SpoolConfig, flags: ServeFlags): Promise<number> {
  if (flags.read !== undefined) return runServeRead(config, flags.read, flags.path ?? null, (t) => process.stdout.write(t), parseReadWindow(flags) ?? undefined);
  if (!flags.stdio) throw new UsageError('serve needs --stdio (the fleet console starts it over ssh)');
  // Targets carry the file the console showed: checked here, where the file is (ids are reused).
  // The audit rule of this host applies here: an unusable log refuses unless --no-audit was given.
  const audit = !flags['no-audit'];
  const backend = flags['read-only'] ? createReadOnlyBackend() : withIdentityCheck(chooseBackend(flags.backend, config, { audit }), currentFileIn(config));
  const code = await runServe({
    config,
    backend,
    auditOff: !audit && !flags['read-only'],
    host: hostname(),
    version: POSTQ_VERSION,
    input: process.stdin,
    output: process.stdout,
    createWatcher: (sink, onStatus) => createSpoolWatcher(config, sink, { onStatus }),
    readMessage: (queueId, path, window) => readForClient(config, queueId, path, window),
  });
  // The watcher's threads and timers are stopped; nothing else may hold the process.
  setTimeout(() => process.exit(code), 500).unref();
  return code;
}
