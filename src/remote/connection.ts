/**
 * One target's live link: spawns `postq serve --stdio` there (target.ts), checks the hello,
 * mirrors its spool (mirror.ts) from the batches, measures the round trip, and notices when
 * the link is lost. Requests (actions, message bytes) go out with a number and settle when
 * the answer with that number comes back.
 *
 * Status: connecting -> live; lost (the process ended, or no line for `staleMs`: a stopped
 * remote, a dead network) -> reconnect after a backoff of 1, 2, 4 ... 30 s, keeping the last
 * rows, marked stale; mismatch (another protocol version) and failed (the remote refused: no
 * postq, no node, the key refused, the spool unreadable) wait for `retry()` instead. The
 * message says why in words, from the remote's fatal or the last line of its stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ActionName, ActionResult, ActionTarget } from '../domain/backend.js';
import { printable } from '../spool/printable.js';
import { createLineSplitter } from './line-splitter.js';
import { createMirror, type Mirror } from './mirror.js';
import { StringPool } from './string-pool.js';
import { decodeServerMessage, encodeMessage, HEARTBEAT_MS, joinBatchParts, PROTOCOL_VERSION, WINDOW_BYTES, type ClientMessage, type ReadFacts, type ReadWindow, type ServerHello } from './protocol.js';
import { spawnSpec, type SpawnContext, type Target } from './target.js';
import type { SpoolBatch } from '../domain/spool-batch.js';

export type LinkState = 'connecting' | 'live' | 'lost' | 'mismatch' | 'failed';

export interface LinkStatus {
  state: LinkState;
  /** Epoch ms of the last state change. */
  since: number;
  message: string | null;
  /** Round trip of the last ping, ms. */
  rttMs: number | null;
  /** True once the remote's initial index is complete (for this connection). */
  ready: boolean;
  /** The remote watcher's own status line (polling, inotify limit...). */
  remoteStatus: string | null;
}

export interface ConnectionOptions {
  target: Target;
  context: SpawnContext;
  /** Extra arguments for serve (e.g. --spool/-c on the target, --read-only). */
  serveArgs: string[];
  version: string;
  staleMs?: number;
  /** How long the start (ssh, node, the hello) may take before the link counts as lost. */
  connectTimeoutMs?: number;
  pingMs?: number;
  maxBackoffMs?: number;
  /** Bytes the serve may have on the way unacknowledged (protocol 2's window). */
  windowBytes?: number;
  now?: () => number;
  /** Called after every change of status or rows (the UI throttles). */
  onChange?: () => void;
}

export interface Connection {
  readonly target: Target;
  readonly mirror: Mirror;
  readonly status: LinkStatus;
  readonly hello: ServerHello | null;
  start(): void;
  retry(): void;
  stop(): void;
  action(action: ActionName, targets: readonly ActionTarget[]): Promise<ActionResult>;
  /**
   * A message's first bytes (at most MAX_READ_BYTES) with its path, size and identity when the
   * serve sends them, or with `window` a later part of that same file; null when it is gone
   * there (or, for a window, is another file now).
   */
  read(queueId: string, path: string, window?: ReadWindow): Promise<RemoteRead | null>;
  /** Every batch as applied to the mirror, from now on (the live console feed). */
  listen(onBatch: (batch: SpoolBatch) => void): () => void;
}

/** A `read` answer: the bytes, and (from a serve that sends them) path, size and identity. */
export type RemoteRead = { bytes: Buffer } & Partial<ReadFacts>;

const STDERR_KEEP = 2048;

export function createConnection(options: ConnectionOptions): Connection {
  const now = options.now ?? Date.now;
  // Seven missed beats: a remote busy indexing on a loaded host is slow, not lost.
  const staleMs = options.staleMs ?? HEARTBEAT_MS * 7.5;
  const pingMs = options.pingMs ?? HEARTBEAT_MS;
  const mirror = createMirror();
  const strings = new StringPool();
  let status: LinkStatus = { state: 'connecting', since: now(), message: null, rttMs: null, ready: false, remoteStatus: null };
  let hello: ServerHello | null = null;
  let child: ChildProcess | null = null;
  let stderrTail = '';
  let lastLineAt = 0;
  let backoffMs = 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let nextReq = 1;
  let parts: SpoolBatch[] = [];
  const listeners = new Set<(batch: SpoolBatch) => void>();
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  const setStatus = (patch: Partial<LinkStatus>) => {
    const changed = patch.state !== undefined && patch.state !== status.state;
    status = { ...status, ...patch, ...(changed ? { since: now() } : {}) };
    options.onChange?.();
  };
  const send = (message: ClientMessage) => {
    try {
      child?.stdin?.write(encodeMessage(message));
    } catch {
      // The process is going; its exit settles the state.
    }
  };
  const failWaiting = (why: string) => {
    for (const w of waiting.values()) w.reject(new Error(why));
    waiting.clear();
  };

  const drop = (state: LinkState, message: string) => {
    const old = child;
    child = null;
    if (timer) clearInterval(timer);
    timer = null;
    old?.removeAllListeners();
    old?.stdout?.removeAllListeners();
    old?.stderr?.removeAllListeners();
    try {
      old?.kill('SIGKILL');
    } catch {
      // Already gone.
    }
    mirror.markStale(true);
    failWaiting(`${options.target.label}: ${message}`);
    setStatus({ state, message, ready: false });
    if (state === 'lost' && !stopped) {
      retryTimer = setTimeout(connect, backoffMs);
      backoffMs = Math.min(backoffMs * 2, options.maxBackoffMs ?? 30_000);
    }
  };

  const lastStderrLine = () => printable(stderrTail.trim().split('\n').filter(Boolean).pop() ?? '');

  function onLine(line: string) {
    lastLineAt = now();
    const decoded = decodeServerMessage(line);
    if ('error' in decoded) return; // A line we do not understand changes nothing.
    const m = decoded.message;
    switch (m.t) {
      case 'hello':
        if (m.protocol !== PROTOCOL_VERSION) {
          drop('mismatch', `version mismatch: ${options.target.label} runs postq ${printable(String(m.version))} (protocol ${m.protocol}), this console ${options.version} (protocol ${PROTOCOL_VERSION}); install the same version on both`);
          return;
        }
        hello = m;
        backoffMs = 1000;
        setStatus({ state: 'live', message: null });
        return;
      case 'batch':
        parts.push(m.batch);
        if (m.more) return;
        {
          const batch = joinBatchParts(parts);
          parts = [];
          strings.shareEntries(batch.upserts, mirror.entries.size + batch.upserts.length);
          mirror.apply(batch);
          for (const listener of listeners) listener(batch);
          options.onChange?.();
        }
        return;
      case 'ready':
        setStatus({ ready: true });
        return;
      case 'status':
        setStatus({ remoteStatus: m.message ? printable(m.message) : null });
        return;
      case 'beat':
        if (m.echo !== null) setStatus({ rttMs: Math.max(0, now() - m.echo) });
        return;
      case 'result':
      case 'bytes': {
        const w = waiting.get(m.req);
        waiting.delete(m.req);
        if (m.t === 'result') w?.resolve(m.result);
        else if (m.error) w?.reject(new Error(m.error));
        else if (m.data === null) w?.resolve(null);
        else {
          const read: RemoteRead = { bytes: Buffer.from(m.data, 'base64') };
          if (m.path !== undefined && m.size !== undefined && m.identity) Object.assign(read, { path: m.path, size: m.size, identity: m.identity });
          w?.resolve(read);
        }
        return;
      }
      case 'fatal':
        drop('failed', printable(m.message));
        return;
    }
  }

  function connect() {
    retryTimer = null;
    if (stopped) return;
    const spec = spawnSpec(options.target, ['serve', '--stdio', ...options.serveArgs], options.context);
    stderrTail = '';
    parts = [];
    hello = null;
    setStatus({ state: status.state === 'lost' ? 'lost' : 'connecting', ready: false });
    const proc = spawn(spec.command, spec.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child = proc;
    lastLineAt = now();
    const splitter = createLineSplitter(onLine);
    // Each chunk read and handled: the serve may send that much more (its window, outbox.ts).
    proc.stdout!.on('data', (chunk: Buffer) => (splitter.push(chunk), child === proc && send({ t: 'ack', bytes: chunk.length })));
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    proc.stdin!.on('error', () => {});
    proc.on('error', (error) => drop('failed', `cannot run ${spec.command}: ${error.message}`));
    proc.on('exit', (code, signal) => {
      if (child !== proc) return;
      const settle = () => {
        if (child !== proc) return;
        const why = lastStderrLine() || (signal ? `ended by ${signal}` : `exited with code ${code}`);
        // 127: no postq or no node there; 255: ssh itself failed (refused key, no route).
        const final = code === 127 || (hello === null && code === 255 && /denied|refused|not resolve/i.test(why));
        drop(final ? 'failed' : 'lost', why);
      };
      // 'exit' may come before the last of stderr (the reason): wait for its end, briefly (a
      // process the remote left behind may hold it open).
      const stderr = proc.stderr;
      if (!stderr || stderr.readableEnded) return settle();
      const timeout = setTimeout(settle, 300);
      stderr.once('end', () => {
        clearTimeout(timeout);
        settle();
      });
    });
    send({ t: 'hello', protocol: PROTOCOL_VERSION, version: options.version, window: options.windowBytes ?? WINDOW_BYTES });
    timer = setInterval(() => {
      // Before the hello, ssh and a cold node may take a while: a longer limit for the start.
      const limit = hello ? staleMs : Math.max(staleMs, options.connectTimeoutMs ?? 30_000);
      if (now() - lastLineAt <= limit) return send({ t: 'ping', at: now() });
      // After the event loop was blocked past the limit (a long frame, a big batch), timers run
      // before the loop reads what arrived meanwhile: look again after this turn's I/O
      // (setImmediate runs after the poll phase), so an answer already waiting counts.
      setImmediate(() => {
        if (child === proc && now() - lastLineAt > limit) drop('lost', `no answer for ${Math.round((now() - lastLineAt) / 1000)} s`);
      });
    }, pingMs);
  }

  function request<T>(message: (req: number) => ClientMessage): Promise<T> {
    if (!child || status.state !== 'live') return Promise.reject(new Error(`${options.target.label} is ${status.state}: ${status.message ?? 'not connected'}`));
    const req = nextReq++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(req, { resolve: resolve as (v: unknown) => void, reject });
      send(message(req));
    });
  }

  return {
    target: options.target,
    mirror,
    get status() {
      return status;
    },
    get hello() {
      return hello;
    },
    start: connect,
    retry() {
      if (child || stopped) return;
      if (retryTimer) clearTimeout(retryTimer);
      backoffMs = 1000;
      connect();
    },
    stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      const old = child;
      child = null;
      if (timer) clearInterval(timer);
      failWaiting('stopped');
      old?.removeAllListeners();
      try {
        old?.stdin?.end();
        old?.kill('SIGTERM');
      } catch {
        // Already gone.
      }
    },
    listen(onBatch) {
      listeners.add(onBatch);
      return () => listeners.delete(onBatch);
    },
    action: (action, targets) => request<ActionResult>((req) => ({ t: 'action', req, action, targets: [...targets] })),
    read: (queueId, path, window) => request<RemoteRead | null>((req) => ({ t: 'read', req, queueId, path, ...(window ? { window } : {}) })),
  };
}
