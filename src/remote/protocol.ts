/**
 * The fleet wire protocol: newline-delimited JSON between a console (the client) and
 * `postq serve --stdio` on a target (the server), over ssh or any command's stdin/stdout.
 * Pure: encoding, decoding and validation, no I/O.
 *
 * Contract: each line is one JSON object with a `t` (type) member. Both sides open with a
 * `hello` carrying PROTOCOL_VERSION; a side that sees another version refuses with a clear
 * message (no guessing across versions). The server then streams the watcher's batches (a
 * batch larger than BATCH_PART_ENTRIES crosses as parts, `more: true` on all but the last,
 * so no line grows without bound; texts that repeat cross once a line, batch-wire.ts), its status, a `ready` once the initial index is complete,
 * and a heartbeat (`beat`) every HEARTBEAT_MS. Flow control (protocol 2): the client's hello
 * gives a `window` of bytes, and the client `ack`s the bytes of every chunk it has read; the
 * serve sends its batches, status and `ready` (in order, outbox.ts) only while less than the
 * window is unacknowledged, so no pipe or ssh channel between them backs up behind a slow
 * console (a backed-up `ssh` client moved its buffer after every write: most of ten ssh
 * clients' CPU in a fleet fill) and the serve's own output buffer stays bounded. Beats,
 * results and bytes go at once but count. The client sends `ping`s (echoed in a beat, for
 * the round trip), `action` and `read` requests, answered by `result` and `bytes`. A `read`
 * gives a message's first MAX_READ_BYTES with its path, size and identity; a `read` with a
 * `window` gives a later part of that same file, so a larger message is read in windows.
 *
 * Diagnostics: decodeServerMessage/decodeClientMessage never throw on bad input; they return
 * `{ error }` naming what was wrong. Everything from a remote is untrusted: entries are checked
 * field by field (remote-entry.ts), and the UI sanitizes their text as for local mail.
 */
import { ACTION_NAMES, type ActionName, type ActionResult, type ActionTarget } from '../domain/backend.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import { isQueueIdName } from '../domain/queue-id.js';
import { isQueueName } from '../domain/queue.js';
import type { PostfixLimits } from '../domain/postfix-limits.js';
import { checkRemoteBatch, checkRemoteResult, checkStrings } from './remote-entry.js';

/**
 * 3: repeated texts of a batch line in its `strings` (batch-wire.ts); 2: the client's credit
 * window (hello `window`, `ack`); 1 sent everything at once.
 */
export const PROTOCOL_VERSION = 3;
export const HEARTBEAT_MS = 2000;
/** Entries per batch line: about 250 KB of JSON (1 KB an entry), well inside the window. */
export const BATCH_PART_ENTRIES = 250;
/** Unacknowledged bytes a serve may have on the way to the console (the client's default). */
export const WINDOW_BYTES = 512 * 1024;
/** The longest line either side accepts (a part of 250 entries is about 250 KB). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** The most bytes of one queue file a `read` returns (the pane's postcat view). */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

export interface ServerHello {
  t: 'hello';
  protocol: number;
  version: string;
  host: string;
  queueDirectory: string;
  configDir: string | null;
  /** Why actions are refused on this target (read-only), or null. */
  disabledReason: string | null;
  supports: ActionName[];
  /** The target acts without its audit log (serve --no-audit); absent from older serves. */
  auditOff?: boolean;
  /**
   * That host's queue limits and lifetimes (its postconf, else Postfix's defaults) and its
   * empty_address_recipient: the console reads expiry and attempts per host with them. Null
   * from a remote that did not send them (the console then uses Postfix's defaults).
   */
  limits: PostfixLimits | null;
  emptyAddress: string | null;
}

export type ServerMessage =
  | ServerHello
  | { t: 'batch'; batch: SpoolBatch; more: boolean }
  | { t: 'status'; mode: string; message: string | null }
  | { t: 'ready' }
  | { t: 'beat'; at: number; echo: number | null }
  | { t: 'result'; req: number; result: ActionResult }
  | ({ t: 'bytes'; req: number; data: string | null; error: string | null } & Partial<ReadFacts>)
  | { t: 'fatal'; message: string };

export type ClientMessage =
  | { t: 'hello'; protocol: number; version: string; window: number }
  | { t: 'ack'; bytes: number }
  | { t: 'ping'; at: number }
  | { t: 'action'; req: number; action: ActionName; targets: ActionTarget[] }
  | { t: 'read'; req: number; queueId: string; path: string; window?: ReadWindow };

/** A file's identity: a later window is read only from the same file (ids and paths are reused). */
export interface FileIdentity {
  dev: number;
  ino: number;
}

/**
 * A later window of a message a first `read` gave: at `offset`, at most `length` bytes (and
 * MAX_READ_BYTES), of the file with that identity at the path the first read answered.
 */
export interface ReadWindow {
  offset: number;
  length: number;
  identity: FileIdentity;
}

/**
 * What a `bytes` answer says of the file besides its bytes: the path it was read at, its whole
 * size and its identity, so the client can page through a message larger than one answer.
 * A serve before these members sends none: the client then has the first bytes only.
 */
export interface ReadFacts {
  path: string;
  size: number;
  identity: FileIdentity;
}

export type Decoded<T> = { message: T } | { error: string };

export function encodeMessage(message: ServerMessage | ClientMessage): string {
  return `${JSON.stringify(message)}\n`;
}

/** Join the parts of one batch (as decoded, in order) back into one. */
export function joinBatchParts(parts: readonly SpoolBatch[]): SpoolBatch {
  if (parts.length === 1) return parts[0]!;
  const last = parts[parts.length - 1]!;
  return { ...last, upserts: parts.flatMap((p) => p.upserts) };
}

function parseObject(line: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  return value as Record<string, unknown>;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isStr = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;
const isAction = (v: unknown): v is ActionName => typeof v === 'string' && (ACTION_NAMES as readonly string[]).includes(v);

const LIMIT_NUMBERS = ['activeLimit', 'maximalQueueLifetime', 'bounceQueueLifetime', 'queueRunDelay', 'minimalBackoffTime', 'maximalBackoffTime'] as const;

/** A remote's limits, each a whole number of seconds (or messages) >= 0; anything else: null (defaults). */
function checkLimits(v: unknown): PostfixLimits | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (!LIMIT_NUMBERS.every((k) => isInt(o[k]) && (o[k] as number) >= 0)) return null;
  const numbers = Object.fromEntries(LIMIT_NUMBERS.map((k) => [k, o[k] as number])) as Record<(typeof LIMIT_NUMBERS)[number], number>;
  const problems = Array.isArray(o.problems) ? o.problems.filter((p): p is string => isStr(p, 256)).slice(0, 16) : [];
  return { ...numbers, source: o.source === 'postconf' ? 'postconf' : 'defaults', problems };
}

function checkIdentity(v: unknown): FileIdentity | null {
  const o = v as Record<string, unknown> | null | undefined;
  return o && typeof o === 'object' && isInt(o.dev) && o.dev >= 0 && isInt(o.ino) && o.ino >= 0 ? { dev: o.dev, ino: o.ino } : null;
}

function checkHello(o: Record<string, unknown>): string | null {
  if (!isInt(o.protocol)) return 'hello without a protocol version';
  if (!isStr(o.version, 64)) return 'hello without a postq version';
  return null;
}

export function decodeServerMessage(line: string): Decoded<ServerMessage> {
  const o = parseObject(line);
  if (typeof o === 'string') return { error: o };
  switch (o.t) {
    case 'hello': {
      const bad = checkHello(o);
      if (bad) return { error: bad };
      if (!isStr(o.host, 255) || !isStr(o.queueDirectory)) return { error: 'hello without host or queue directory' };
      if (o.protocol !== PROTOCOL_VERSION) return { message: o as unknown as ServerHello };
      const supports = Array.isArray(o.supports) ? o.supports.filter(isAction) : [];
      const configDir = isStr(o.configDir) ? o.configDir : null;
      const disabledReason = isStr(o.disabledReason, 1024) ? o.disabledReason : null;
      const auditOff = o.auditOff === true ? { auditOff: true } : {};
      const limits = checkLimits(o.limits);
      const emptyAddress = isStr(o.emptyAddress, 255) ? o.emptyAddress : null;
      return { message: { t: 'hello', protocol: o.protocol, version: o.version as string, host: o.host, queueDirectory: o.queueDirectory, configDir, disabledReason, supports, limits, emptyAddress, ...auditOff } };
    }
    case 'batch': {
      const strings = o.strings === undefined ? undefined : checkStrings(o.strings);
      if (strings === null) return { error: 'bad batch: strings' };
      const batch = checkRemoteBatch(o.batch, strings);
      if (typeof batch === 'string') return { error: `bad batch: ${batch}` };
      return { message: { t: 'batch', batch, more: o.more === true } };
    }
    case 'status':
      if (!isStr(o.mode, 32)) return { error: 'status without a mode' };
      return { message: { t: 'status', mode: o.mode, message: isStr(o.message, 1024) ? o.message : null } };
    case 'ready':
      return { message: { t: 'ready' } };
    case 'beat':
      if (!isInt(o.at)) return { error: 'beat without a time' };
      return { message: { t: 'beat', at: o.at, echo: isInt(o.echo) ? o.echo : null } };
    case 'result': {
      if (!isInt(o.req)) return { error: 'result without a request number' };
      const result = checkRemoteResult(o.result);
      if (typeof result === 'string') return { error: `bad result: ${result}` };
      return { message: { t: 'result', req: o.req, result } };
    }
    case 'bytes': {
      if (!isInt(o.req)) return { error: 'bytes without a request number' };
      const identity = checkIdentity(o.identity);
      const facts = isStr(o.path, 256) && isInt(o.size) && o.size >= 0 && identity ? { path: o.path, size: o.size, identity } : {};
      return { message: { t: 'bytes', req: o.req, data: isStr(o.data, MAX_READ_BYTES * 2) ? o.data : null, error: isStr(o.error, 1024) ? o.error : null, ...facts } };
    }
    case 'fatal':
      return { message: { t: 'fatal', message: isStr(o.message, 1024) ? o.message : 'the remote postq failed' } };
    default:
      return { error: `unknown message type ${JSON.stringify(String(o.t).slice(0, 32))}` };
  }
}

function checkTargets(v: unknown): ActionTarget[] | null {
  if (!Array.isArray(v)) return null;
  const targets: ActionTarget[] = [];
  for (const t of v as unknown[]) {
    const o = t as Record<string, unknown> | null;
    if (!o || !isStr(o.queueId, 64) || !isQueueIdName(o.queueId) || !isStr(o.queueName, 16) || !isQueueName(o.queueName)) return null;
    const seen = o.seen as Record<string, unknown> | undefined;
    if (seen === undefined) targets.push({ queueId: o.queueId, queueName: o.queueName });
    else if (seen && isInt(seen.inode) && isInt(seen.arrivalTime)) targets.push({ queueId: o.queueId, queueName: o.queueName, seen: { inode: seen.inode, arrivalTime: seen.arrivalTime } });
    else return null;
  }
  return targets;
}

export function decodeClientMessage(line: string): Decoded<ClientMessage> {
  const o = parseObject(line);
  if (typeof o === 'string') return { error: o };
  switch (o.t) {
    case 'hello': {
      const bad = checkHello(o);
      // A window the client did not give (or a nonsense one): the default.
      const window = isInt(o.window) && o.window > 0 ? o.window : WINDOW_BYTES;
      return bad ? { error: bad } : { message: { t: 'hello', protocol: o.protocol as number, version: o.version as string, window } };
    }
    case 'ack':
      return isInt(o.bytes) && o.bytes >= 0 ? { message: { t: 'ack', bytes: o.bytes } } : { error: 'ack without a byte count' };
    case 'ping':
      return isInt(o.at) ? { message: { t: 'ping', at: o.at } } : { error: 'ping without a time' };
    case 'action': {
      const targets = checkTargets(o.targets);
      if (!isInt(o.req) || !isAction(o.action) || !targets) return { error: 'malformed action request' };
      return { message: { t: 'action', req: o.req, action: o.action, targets } };
    }
    case 'read': {
      if (!isInt(o.req) || !isStr(o.queueId, 64) || !isQueueIdName(o.queueId) || !isStr(o.path, 256)) return { error: 'malformed read request' };
      if (o.window === undefined) return { message: { t: 'read', req: o.req, queueId: o.queueId, path: o.path } };
      const w = o.window as Record<string, unknown> | null;
      const identity = checkIdentity(w?.identity);
      if (!w || !isInt(w.offset) || w.offset < 0 || !isInt(w.length) || w.length < 0 || !identity) return { error: 'malformed read window' };
      return { message: { t: 'read', req: o.req, queueId: o.queueId, path: o.path, window: { offset: w.offset, length: w.length, identity } } };
    }
    default:
      return { error: `unknown message type ${JSON.stringify(String(o.t).slice(0, 32))}` };
  }
}
