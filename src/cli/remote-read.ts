/**
 * The fleet console's message pane for a remote message: `postq serve --read` over the same
 * transport as the link (ssh, exec, a local instance). A message up to MAX_READ_BYTES comes
 * whole in one read; a larger one comes as its first MAX_READ_BYTES and then page by page: the
 * pane's `fetch` asks the remote for a later window (`--offset --length`, at least
 * REMOTE_WINDOW) of the same file (`--expect DEV:INO`: a file replaced under the same name
 * reads as gone). The first bytes and one later window are kept here, so memory stays about
 * 10 MB and one page however large the message; each further window is one more run of the
 * transport.
 *
 * Contract: readRemoteMessage() returns the FoundMessage the pane builds its document from, or
 * null when the message is gone; it throws (the pane shows it) when the transport or the
 * remote fails. A window that cannot be fetched later reads as the end of the file (the pane
 * then says where postcat stops).
 */
import { spawnSync } from 'node:child_process';
import type { QueueEntry } from '../domain/entry.js';
import { MAX_READ_BYTES } from '../remote/protocol.js';
import { spawnSpec, type Target } from '../remote/target.js';
import type { FoundMessage } from '../ui/message-document.js';
import type { FleetPlan } from './fleet-plan.js';

/** The least a later window asks for: a few pages of text per run of the transport. */
export const REMOTE_WINDOW = 2 * 1024 * 1024;

interface ReadReply {
  path: string | null;
  data: string | null;
  size?: number;
  identity?: { dev: number; ino: number } | null;
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

export function readRemoteMessage(target: Target, plan: FleetPlan, entry: QueueEntry): FoundMessage {
  const first = serveRead(target, plan, [entry.queueId, '--path', entry.path]);
  if (first.data === null || first.path === null) return null;
  const path = first.path;
  const bytes = Buffer.from(first.data, 'base64');
  const size = first.size ?? bytes.length;
  const identity = first.identity;
  if (size <= bytes.length || !identity) return { path, bytes };
  // The first bytes stay (every page's mark re-reads from its offset, most of them in there),
  // and one later window: file bytes [base, base + held.length).
  let held = Buffer.alloc(0);
  let base = 0;
  const fetch = (offset: number, length: number): Buffer => {
    const want = Math.max(0, Math.min(length, size - offset));
    if (offset + want <= bytes.length) return bytes.subarray(offset, offset + want);
    if (offset >= base && offset + want <= base + held.length) return held.subarray(offset - base, offset - base + want);
    try {
      const ask = Math.min(MAX_READ_BYTES, Math.max(want, REMOTE_WINDOW));
      const reply = serveRead(target, plan, [entry.queueId, '--path', path, '--offset', String(offset), '--length', String(ask), '--expect', `${identity.dev}:${identity.ino}`]);
      held = reply.data === null ? Buffer.alloc(0) : Buffer.from(reply.data, 'base64');
    } catch {
      held = Buffer.alloc(0);
    }
    base = offset;
    return held.subarray(0, want);
  };
  return { path, bytes, size, fetch };
}
