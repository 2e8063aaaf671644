/**
 * The fleet console's message pane for a remote message: the first MAX_READ_BYTES come over
 * the target's live link (its `read` request, on the connection already open: a round trip,
 * not a new ssh and node start per message). The pane asks synchronously, so the first call
 * starts the request and answers "pending" (the pane says it is reading, and loads again when
 * the answer is in: use-pane-pending.ts); the next call gets the answer. A message larger
 * than that comes as its first bytes and then page by page: the pager's `fetch` is
 * synchronous too, so a later window is one run of `postq serve --read --offset --length
 * --expect DEV:INO` over the same transport (at least REMOTE_WINDOW; a file replaced under
 * the same name reads as gone). The first bytes and one later window are kept, so memory
 * stays about 10 MB and one page however large the message.
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

/** A message past its first bytes: later windows of the same file, one `serve --read` each. */
function remoteWindows(target: Target, plan: FleetPlan, queueId: string, path: string, size: number, identity: FileIdentity, bytes: Buffer): (offset: number, length: number) => Buffer {
  // The first bytes stay (every page's mark re-reads from its offset, most of them in there),
  // and one later window: file bytes [base, base + held.length).
  let held = Buffer.alloc(0);
  let base = 0;
  return (offset, length) => {
    const want = Math.max(0, Math.min(length, size - offset));
    if (offset + want <= bytes.length) return bytes.subarray(offset, offset + want);
    if (offset >= base && offset + want <= base + held.length) return held.subarray(offset - base, offset - base + want);
    try {
      const ask = Math.min(MAX_READ_BYTES, Math.max(want, REMOTE_WINDOW));
      const reply = serveRead(target, plan, [queueId, '--path', path, '--offset', String(offset), '--length', String(ask), '--expect', `${identity.dev}:${identity.ino}`]);
      held = reply.data === null ? Buffer.alloc(0) : Buffer.from(reply.data, 'base64');
    } catch {
      held = Buffer.alloc(0);
    }
    base = offset;
    return held.subarray(0, want);
  };
}

type Answer = { read: RemoteRead | null } | { error: Error } | { pending: Promise<unknown> };

/** The pane's reader for one target (bare queue ids): the first bytes over `link`, later windows by `serve --read`. */
export function createLinkPaneReader(link: Pick<Connection, 'read' | 'target'>, plan: FleetPlan): (entry: QueueEntry) => FoundMessage {
  const answers = new Map<string, Answer>();
  return (entry) => {
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
    return { path, bytes: read.bytes, size: read.size, fetch: remoteWindows(link.target, plan, entry.queueId, path, read.size, read.identity, read.bytes) };
  };
}
