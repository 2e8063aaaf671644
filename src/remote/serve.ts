/**
 * `postq serve --stdio`: the remote side of a fleet console. Runs the same spool watcher and
 * the same audited backend as the local console, and speaks protocol.ts on stdin/stdout.
 *
 * Contract: writes a hello at once, then the watcher's batches (in parts), its status, `ready`
 * when the initial index is complete, and a heartbeat every HEARTBEAT_MS; batches, status and
 * `ready` wait while the client's window is full (outbox.ts; the client `ack`s what it read).
 * Answers `ping`,
 * `action` (run through the backend given, which writes this host's audit log) and `read`
 * (a queue file's bytes, at most MAX_READ_BYTES, with its size and identity; or a later
 * window of that same file). A client with another protocol version gets
 * a `fatal` naming both versions. Ends (resolving with an exit code) when stdin closes or the
 * watcher fails: 0 for a closed stdin, 3 when the spool cannot be read.
 *
 * Diagnostics: a malformed client line is answered with nothing and counted; the serve never
 * throws on input. stderr is for the operator of the remote (ssh shows it to the client).
 */
import type { QueueBackend } from '../domain/backend.js';
import { ACTION_NAMES } from '../domain/backend.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import type { SpoolConfig } from '../config/spool-config.js';
import type { FoundMessage } from '../watch/read-message.js';
import type { WatchStatus } from '../watch/watch-status.js';
import { decodeClientMessage, HEARTBEAT_MS, MAX_READ_BYTES, PROTOCOL_VERSION, type ClientMessage, type ReadWindow, type ServerMessage } from './protocol.js';
import { createLineSplitter } from './line-splitter.js';
import { createOutbox } from './outbox.js';

export interface ServeWatcher {
  start(): Promise<void>;
  stop(): void;
}

export interface ServeOptions {
  config: SpoolConfig;
  backend: QueueBackend;
  /** The backend acts without the audit log (serve --no-audit): said in the hello. */
  auditOff?: boolean;
  host: string;
  version: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  createWatcher(sink: (batch: SpoolBatch) => void, onStatus: (status: WatchStatus) => void): ServeWatcher;
  /** A message's first bytes, or with `window` a later part of the same file (null: gone, or another file now). */
  readMessage(queueId: string, path: string, window?: ReadWindow): FoundMessage | null;
  heartbeatMs?: number;
  now?: () => number;
}

export function runServe(options: ServeOptions): Promise<number> {
  const now = options.now ?? Date.now;
  let closed = false;
  const outbox = createOutbox((line) => {
    if (!closed) options.output.write(line);
  });
  const send = (message: ServerMessage) => outbox.now(message);

  return new Promise<number>((resolve) => {
    let watcher: ServeWatcher | null = null;
    const finish = (code: number) => {
      if (closed) return;
      watcher?.stop();
      clearInterval(beat);
      closed = true;
      resolve(code);
    };
    const beat = setInterval(() => send({ t: 'beat', at: now(), echo: null }), options.heartbeatMs ?? HEARTBEAT_MS);

    send({
      t: 'hello',
      protocol: PROTOCOL_VERSION,
      version: options.version,
      host: options.host,
      queueDirectory: options.config.queueDirectory,
      configDir: options.config.configDir,
      disabledReason: options.backend.disabledReason,
      supports: ACTION_NAMES.filter((a) => options.backend.supports(a)),
      ...(options.auditOff ? { auditOff: true } : {}),
      limits: options.config.limits,
      emptyAddress: options.config.emptyAddress,
    });

    const startWatcher = () => {
      watcher = options.createWatcher(
        (batch) => outbox.batch(batch),
        (status) => outbox.inOrder({ t: 'status', mode: status.mode, message: status.message }),
      );
      watcher.start().then(
        () => outbox.inOrder({ t: 'ready' }),
        (error: unknown) => {
          send({ t: 'fatal', message: (error as Error).message });
          finish(3);
        },
      );
    };

    const handle = (message: ClientMessage) => {
      switch (message.t) {
        case 'hello':
          if (message.protocol !== PROTOCOL_VERSION) {
            send({ t: 'fatal', message: `protocol version mismatch: this postq ${options.version} speaks ${PROTOCOL_VERSION}, the console ${message.version} speaks ${message.protocol}; install the same postq on both sides` });
            finish(2);
          } else if (!watcher) {
            outbox.setWindow(message.window);
            startWatcher();
          }
          return;
        case 'ack':
          outbox.ack(message.bytes);
          return;
        case 'ping':
          send({ t: 'beat', at: now(), echo: message.at });
          return;
        case 'action':
          options.backend.run(message.action, message.targets).then(
            (result) => send({ t: 'result', req: message.req, result }),
            (error: unknown) => send({ t: 'result', req: message.req, result: { action: message.action, outcomes: [], commands: [], error: (error as Error).message } }),
          );
          return;
        case 'read':
          send(readReply(message.req, () => options.readMessage(message.queueId, message.path, message.window)));
          return;
      }
    };

    const splitter = createLineSplitter((line) => {
      const decoded = decodeClientMessage(line);
      if ('message' in decoded) handle(decoded.message);
    });
    options.input.on('data', (chunk: Buffer) => splitter.push(chunk));
    options.input.on('end', () => finish(0));
    options.input.on('error', () => finish(0));
    options.output.on('error', () => finish(0));
  });
}

function readReply(req: number, read: () => FoundMessage | null): ServerMessage {
  try {
    const found = read();
    if (!found) return { t: 'bytes', req, data: null, error: 'the message is no longer in the queue' };
    const bytes = found.bytes.length > MAX_READ_BYTES ? found.bytes.subarray(0, MAX_READ_BYTES) : found.bytes;
    // Its size and identity: the client reads a larger message on in windows of this file.
    const facts = found.identity ? { path: found.path, size: found.size ?? found.bytes.length, identity: { dev: found.identity.dev, ino: found.identity.ino } } : {};
    return { t: 'bytes', req, data: bytes.toString('base64'), error: null, ...facts };
  } catch (error) {
    return { t: 'bytes', req, data: null, error: (error as Error).message };
  }
}
