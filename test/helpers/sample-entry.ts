/** One deferred queue entry as the spool readers build it, for the formatters' tests; `over` changes members. */
import type { QueueEntry } from '../../src/domain/entry.js';

export function sampleEntry(over: Partial<QueueEntry> = {}): QueueEntry {
  return {
    queueName: 'deferred',
    queueId: '749A822C202',
    path: 'deferred/7/749A822C202',
    arrivalTime: 1795894993,
    messageSize: 420,
    forcedExpire: false,
    sender: 'alice@example.org',
    recipients: [{ address: 'bob@example.com', delayReason: '' }],
    listed: true,
    state: 'ok',
    diagnostics: [],
    mtime: 1795895300,
    fileSize: 900,
    mode: 0o100700,
    subject: 'hi',
    ...over,
  };
}
