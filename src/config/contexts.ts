/**
 * Named sets of fleet targets: $XDG_CONFIG_HOME/postq/contexts.json (else
 * ~/.config/postq/contexts.json), as k9s has contexts. The file is data:
 *
 *   { "contexts": { "eu-mx": { "targets": ["mx1.example", "root@mx2:2222",
 *                                          "exec:docker exec -i mailcow-postfix-1"],
 *                              "spool": null, "config": "/etc/postfix", "remotePostq": null } } }
 *
 * Contract: loadContexts returns the map (empty when the file does not exist) and throws a
 * UsageError naming the file and key for anything malformed; a context's targets are checked
 * by parseTarget when used. The file is read without following a symlink.
 */
import { closeSync, constants, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../domain/errors.js';
import { BoundedReadError, readBoundedText } from './bounded-read.js';

export interface FleetContext {
  name: string;
  targets: string[];
  spool: string | null;
  config: string | null;
  remotePostq: string | null;
}

const MAX_BYTES = 1024 * 1024;

export function contextsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'postq', 'contexts.json');
}

function readSmallFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new UsageError(`${path}: is a symlink; not followed`);
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  try {
    return readBoundedText(fd, MAX_BYTES);
  } catch (error) {
    if (error instanceof BoundedReadError) throw new UsageError(`${path}: ${error.reason}`);
    throw error;
  } finally {
    closeSync(fd);
  }
}

const optString = (v: unknown): v is string | null | undefined => v === undefined || v === null || typeof v === 'string';

export function parseContexts(text: string, file: string): Map<string, FleetContext> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
  const all = (json as { contexts?: unknown } | null)?.contexts;
  if (typeof all !== 'object' || all === null || Array.isArray(all)) throw new UsageError(`${file}: expected {"contexts": {NAME: {"targets": [...]}}}`);
  const out = new Map<string, FleetContext>();
  for (const [name, value] of Object.entries(all)) {
    const v = value as Record<string, unknown> | null;
    const targets = v?.targets;
    if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string')) {
      throw new UsageError(`${file}: contexts.${name}.targets must be a non-empty list of strings`);
    }
    if (!optString(v!.spool) || !optString(v!.config) || !optString(v!.remotePostq)) throw new UsageError(`${file}: contexts.${name}: spool, config and remotePostq must be strings`);
    out.set(name, { name, targets: targets as string[], spool: (v!.spool as string) ?? null, config: (v!.config as string) ?? null, remotePostq: (v!.remotePostq as string) ?? null });
  }
  return out;
}

export function loadContexts(env: NodeJS.ProcessEnv = process.env): Map<string, FleetContext> {
  const file = contextsPath(env);
  const text = readSmallFile(file);
  return text === null ? new Map() : parseContexts(text, file);
}
