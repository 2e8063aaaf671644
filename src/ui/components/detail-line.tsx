/**
 * One line under the list about the cursor row: subject, full delay reason (the list shows
 * its class), recipients count and next retry. Sanitized like every cell.
 */
import React from 'react';
import type { QueueEntry } from '../../domain/entry.js';
import { printable } from '../../spool/printable.js';
import { formatRetry, formatSize } from '../format.js';
import { reasonText, shownQueueId } from '../columns.js';
import { Line, type Segment } from '../theme-context.js';

export function DetailLine({ entry, now, width }: { entry: QueueEntry | null; now: number; width: number }): React.ReactElement {
  if (!entry) return <Line segments={[]} width={width} />;
  const segs: Segment[] = [{ text: `${shownQueueId(entry)} `, token: 'accent' }];
  // The merged fleet view: HOST may be narrowed or dropped in the list; here it is whole.
  if (entry.host !== undefined) segs.push({ text: `on ${printable(entry.host)} · `, token: 'muted' });
  segs.push({ text: `${entry.queueName} · ${formatSize(entry.messageSize)} · ${entry.recipients.length} rcpt`, token: 'muted' });
  if (entry.queueName === 'deferred') segs.push({ text: ` · next ${formatRetry(entry.mtime, now)}`, token: 'muted' });
  segs.push({ text: ' · ', token: 'muted' }, { text: printable(entry.subject ?? '(no subject)'), token: 'text' });
  const reason = reasonText(entry, false);
  if (reason) segs.push({ text: ' · ', token: 'muted' }, { text: printable(reason), token: 'status.warn' });
  return <Line segments={segs} width={width} />;
}
