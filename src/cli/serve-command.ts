/**
 * `postq serve --stdio [--spool DIR | -c DIR] [--backend postsuper|direct] [--read-only] [--no-audit]`: the
 * remote side of the fleet console (src/remote/serve.ts) on this host, with the same watcher,
 * backend choice and audit log as the local console. And `postq serve --read ID --path PATH`:
 * one message's bytes as a JSON line, for the fleet console's message pane.
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
import { readMessagePrefix } from '../watch/read-message.js';
import { createSpoolWatcher } from '../watch/spool-watcher.js';
import { chooseBackend } from './choose-backend.js';
import { POSTQ_VERSION } from './version.js';

export interface ServeFlags {
  stdio?: boolean | undefined;
  read?: string | undefined;
  path?: string | undefined;
  backend?: string | undefined;
  'read-only'?: boolean | undefined;
  'no-audit'?: boolean | undefined;
}

/** Read one message by id (the path a listing gave first, else postcat's search). */
function readForClient(config: SpoolConfig, queueId: string, path: string | null) {
  if (!isQueueIdName(queueId)) throw new UsageError('not a queue id');
  const listed = path !== null && path.split('/').every((p) => p && p !== '..') && path.endsWith(`/${queueId}`);
  return readMessagePrefix(config, queueId, listed ? path : null, MAX_READ_BYTES);
}

export function runServeRead(config: SpoolConfig, queueId: string, path: string | null, write: (t: string) => void): number {
  try {
    const found = readForClient(config, queueId, path);
    const bytes = found ? found.bytes.subarray(0, MAX_READ_BYTES) : null;
    write(`${JSON.stringify({ path: found?.path ?? null, data: bytes ? bytes.toString('base64') : null, error: found ? null : 'the message is no longer in the queue' })}\n`);
    return 0;
  } catch (error) {
    write(`${JSON.stringify({ path: null, data: null, error: (error as Error).message })}\n`);
    return 0;
  }
}

export async function runServeCommand(config: SpoolConfig, flags: ServeFlags): Promise<number> {
  if (flags.read !== undefined) return runServeRead(config, flags.read, flags.path ?? null, (t) => process.stdout.write(t));
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
    readMessage: (queueId, path) => readForClient(config, queueId, path),
  });
  // The watcher's threads and timers are stopped; nothing else may hold the process.
  setTimeout(() => process.exit(code), 500).unref();
  return code;
}
