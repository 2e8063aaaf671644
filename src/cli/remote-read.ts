/**
 * The fleet console's message pane for a remote message: the first MAX_READ_BYTES come over
 * the target's live link (its `read` request, on the connection already open: a round trip,
 * not a new ssh and node start per message). The pane asks synchronously, so the first call
 * starts the request and answers "pending" (the pane says it is reading, and loads again when
 * the answer is in: use-pane-pending.ts); the next call gets the answer. A message larger
 * than that comes as its first bytes and then page by page: the pager's `fetch` is
 * synchronous too, so the next window (REMOTE_WINDOW) is asked for over the link before the
 * pager needs it, and each one the pager reaches brings the one after it; a window not there
 * yet (a jump to the end, the link down) is one run of `postq serve --read --offset --length
 * --expect DEV:INO` over the same transport (a file replaced under the same name reads as
 * gone either way). The first bytes, one later window and the next are kept, so memory stays
 * about 12 MB however large the message.
 *
 * Contract: the reader returns the FoundMessage the pane builds its document from (pending,
 * the bytes, or null when the message is gone), and throws (the pane shows it) when the link
 * or the remote failed. A window that cannot be fetched later reads as the end of the file
 * (the pane then says where postcat stops).
 */
import { spawnSync } from 'node:child_process';
import type { QueueEntry } from '../domain/entry.js';
import type { Connection, RemoteRead } from '../remote/connection.js';
import { MAX_READ_BYTES, type FileIdentity } from '../remote/protocol.js';
import { spawnSpec, type Target } from '../remote/target.js';
import type { FoundMessage } from '../ui/message-document.js';
import type { FleetPlan } from './fleet-plan.js';

/** The least a later window asks for: a few pages of text per run of the transport. */
export const REMOTE_WINDOW = 2 * 1024 * 1024;
/** Answers kept for a pane that was closed before they came (each up to MAX_READ_BYTES). */
const KEEP_ANSWERS = 2;

interface ReadReply {
  data: string | null;
  error: string | null;
}

function serveRead(target: Target, plan: FleetPlan, args: string[]): ReadReply {
  const spec = spawnSpec(target, ['serve', '--read', ...args, ...plan.serveArgs], plan.context);
  // base64 of MAX_READ_BYTES, plus the JSON around it.
  const run = spawnSync(spec.command, spec.args, { encoding: 'utf8', timeout: 20_000, maxBuffer: Math.ceil(MAX_READ_BYTES * 1.4) + 65_536 });
  if (run.error || run.status !== 0) throw new Error(`${target.label}: ${run.error?.message ?? run.stderr.trim().split('\n').pop() ?? `exit ${run.status}`}`);
  const reply = JSON.parse(run.stdout) as ReadReply;
  if (reply.error) throw new Error(reply.error);
  return reply;
}

interface Piece {
  base: number;
  bytes: Buffer;
}

/** File bytes [offset, offset + want) from pieces that cover them end to end, else null. */
function cover(pieces: readonly Piece[], offset: number, want: number): { bytes: Buffer; used: Piece[] } | null {
  const parts: Buffer[] = [];
  const used: Piece[] = [];
  for (let at = offset; at < offset + want; ) {
    const p = pieces.find((q) => at >= q.base && at < q.base + q.bytes.length);
    if (!p) return null;
    const take = p.bytes.subarray(at - p.base, Math.min(p.bytes.length, offset + want - p.base));
    parts.push(take);
    used.push(p);
    at += take.length;
  }
  return { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, want), used };
}

/**
 * A message past its first bytes: later windows of the same file. The window after the last
 * one read is asked for over the link as soon as it is known (the pager reads on mostly in
 * order), so paging on costs no transport run; a window the link has not brought yet (a
 * jump, a link down) is one `serve --read` run. `track` gets each request over the link.
 */
function remoteWindows(link: Pick<Connection, 'read'>, target: Target, plan: FleetPlan, queueId: string, path: string, size: number, identity: FileIdentity, bytes: Buffer, track: (p: Promise<unknown>) => void): (offset: number, length: number) => Buffer {
  // The first bytes stay (every page's mark re-reads from its offset, most of them in there),
  // one later window (`held`), and the one after it on its way (`ahead`).
  const first: Piece = { base: 0, bytes };
  let held: Piece = { base: 0, bytes: Buffer.alloc(0) };
  let ahead: (Piece & { ready: boolean }) | null = null;
  const prefetch = (from: number) => {
    if (from >= size || ahead?.base === from) return;
    const slot: Piece & { ready: boolean } = { base: from, bytes: Buffer.alloc(0), ready: false };
    ahead = slot;
    const asked = link.read(queueId, path, { offset: from, length: Math.min(REMOTE_WINDOW, size - from), identity }).then(
      (read) => {
        // Null: gone, or another file under the name now: read as its end, as serve --read would.
        slot.bytes = read?.bytes ?? Buffer.alloc(0);
        slot.ready = true;
      },
      () => {
        if (ahead === slot) ahead = null;
      },
    );
    track(asked);
  };
  prefetch(bytes.length);
  return (offset, length) => {
    const want = Math.max(0, Math.min(length, size - offset));
    // The link found the file gone or replaced at that window: its end, no run to be told again.
    if (ahead?.ready && ahead.bytes.length === 0 && offset >= ahead.base) return Buffer.alloc(0);
    const found = cover(ahead?.ready ? [first, held, ahead] : [first, held], offset, want);
    if (found) {
      if (ahead && found.used.includes(ahead)) {
        held = ahead;
        ahead = null;
        prefetch(held.base + held.bytes.length);
      }
      return found.bytes;
    }
    try {
      const ask = Math.min(MAX_READ_BYTES, Math.max(want, REMOTE_WINDOW));
      const reply = serveRead(target, plan, [queueId, '--path', path, '--offset', String(offset), '--length', String(ask), '--expect', `${identity.dev}:${identity.ino}`]);
      held = { base: offset, bytes: reply.data === null ? Buffer.alloc(0) : Buffer.from(reply.data, 'base64') };
    } catch {
      held = { base: offset, bytes: Buffer.alloc(0) };
    }
    if (held.bytes.length > 0) prefetch(held.base + held.bytes.length);
    return held.bytes.subarray(0, want);
  };
}

type Answer = { read: RemoteRead | null } | { error: Error } | { pending: Promise<unknown> };

/** The pane's reader: a FoundMessage for an entry, and (for tests) when no window is on its way. */
export type LinkPaneReader = ((entry: QueueEntry) => FoundMessage) & { settled(): Promise<void> };

/** The pane's reader for one target (bare queue ids): the first bytes and the windows on over `link`, a jump by `serve --read`. */
export function createLinkPaneReader(link: Pick<Connection, 'read' | 'target'>, plan: FleetPlan): LinkPaneReader {
  const answers = new Map<string, Answer>();
  const asked = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    asked.add(p);
    void p.finally(() => asked.delete(p));
  };
  const reader = (entry: QueueEntry): FoundMessage => {
    const key = `${entry.queueId}\0${entry.path}`;
    const answer = answers.get(key);
    if (!answer) {
      const pending = link.read(entry.queueId, entry.path).then(
        (read) => void answers.set(key, { read }),
        (error: unknown) => void answers.set(key, { error: error as Error }),
      );
      answers.set(key, { pending });
      // Answers nobody came back for (the pane closed first) go, oldest first.
      for (const k of answers.keys()) if (answers.size > KEEP_ANSWERS + 1 && k !== key && !('pending' in answers.get(k)!)) answers.delete(k);
      return { pending, from: link.target.label };
    }
    if ('pending' in answer) return { pending: answer.pending, from: link.target.label };
    // Taken once: the next open of this message asks again (it may have changed since).
    answers.delete(key);
    if ('error' in answer) throw answer.error;
    const { read } = answer;
    if (!read) return null;
    const path = read.path ?? entry.path;
    if (read.size === undefined || read.identity === undefined || read.size <= read.bytes.length) return { path, bytes: read.bytes };
    return { path, bytes: read.bytes, size: read.size, fetch: remoteWindows(link, link.target, plan, entry.queueId, path, read.size, read.identity, read.bytes, track) };
  };
  return Object.assign(reader, {
    async settled() {
      while (asked.size > 0) await Promise.allSettled([...asked]);
    },
  });
}
