/**
 * The qshape view's data for the queue in view (all queues = every queue but corrupt, as
 * qshape reads them), and the filter that shows one domain's messages in the list: an exact,
 * case-insensitive match on the recipient's (or sender's) domain, as qshape counts it. Pure.
 */
import { QUEUE_NAMES } from '../domain/queue.js';
import type { ConsoleData } from '../store/console-state.js';
import { selectQueueShape, type QueueShape } from '../store/qshape.js';

export type ShapeBy = 'recipient' | 'sender';

export function currentShape(state: ConsoleData, by: ShapeBy): { shape: QueueShape; title: string } {
  const queues = state.queueFilter === 'all' ? QUEUE_NAMES.filter((q) => q !== 'corrupt') : [state.queueFilter];
  const shape = selectQueueShape(state, { queues, by });
  return { shape, title: `qshape ${state.queueFilter === 'all' ? 'all queues' : state.queueFilter} by ${by} domain` };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Filter text for a qshape row: `to:/@far\.example$/`; MAILER-DAEMON is the empty sender. */
export function shapeDomainFilter(domain: string, by: ShapeBy): string {
  const field = by === 'sender' ? 'from' : 'to';
  if (by === 'sender' && domain === 'MAILER-DAEMON') return 'from:/^(MAILER-DAEMON)?$/';
  // qshape trims trailing dots and counts an address without @ as its own domain.
  return `${field}:/(^|@)${escape(domain)}\\.*$/`;
}
