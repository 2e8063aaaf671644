/**
 * Queue names as Postfix spells them, and the orders in which Postfix's tools visit them.
 * Pure data: no I/O.
 */

/** The six message queues postq shows. */
export const QUEUE_NAMES = ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** showq's scan order (showq/showq.c): the queues `postqueue -p/-j` list, in that order. */
export const SHOWQ_QUEUES: readonly QueueName[] = ['maildrop', 'active', 'incoming', 'deferred', 'hold'];

/** The order `postcat -q` searches (postcat.c); `saved` is not a message queue postq shows. */
export const POSTCAT_QUEUES = ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'saved'] as const;

/** Log directories keyed by queue id: defer (delay reasons), bounce, trace. */
export const LOG_QUEUES = ['defer', 'bounce', 'trace'] as const;
export type LogQueueName = (typeof LOG_QUEUES)[number];

export function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(name);
}

/** mailq's status marker for a queue: `*` active, `!` hold (showq_compat.c). */
export function queueMarker(queueName: QueueName): string {
  return queueName === 'active' ? '*' : queueName === 'hold' ? '!' : '';
}
