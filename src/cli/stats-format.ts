/**
 * `postq stats` output: a table, one JSON object, or the Prometheus text exposition format
 * (version 0.0.4) for node_exporter's textfile collector. Pure: figures in, text out.
 *
 * Prometheus: every metric has HELP and TYPE lines; per-queue gauges carry a `queue` label and
 * list all six queues, zeros included, so a queue that empties reads 0 instead of vanishing
 * (and `deferred` is a series of its own). Ages are seconds at `now`; an empty queue's oldest
 * age is 0.
 */
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import { formatCount } from '../domain/count-format.js';
import type { PostfixLimits } from '../domain/postfix-limits.js';
import type { QueueFigures, SpoolFigures } from '../store/queue-figures.js';
import { levelNumber, NO_THRESHOLDS, type Level, type Thresholds, type ThresholdScope } from '../domain/thresholds.js';
import { evaluateThresholds, overallLevel, type ThresholdLevels } from '../store/thresholds.js';
import type { TrendHistory } from '../store/trends.js';
import { trendsJson } from './stats-trends.js';

export interface StatsInput {
  spool: string;
  figures: SpoolFigures;
  limits: PostfixLimits;
  postfix: { running: boolean; pid: number | null; detail: string };
  /** Epoch seconds. */
  now: number;
  /** Warning and critical levels (none: every level is ok). */
  thresholds?: Thresholds;
  /** --watch: the live store's trend rings and their step (seconds), for --json. */
  trends?: { history: TrendHistory; stepSeconds: number };
}

/** Each queue's (and the total's) level against the thresholds at `now`. */
export function statsLevels(input: StatsInput): ThresholdLevels {
  const scope = (f: QueueFigures) => ({ count: f.messages, oldestArrival: f.oldestArrival });
  const figures = Object.fromEntries([...QUEUE_NAMES.map((q) => [q, scope(input.figures.queues[q])]), ['total', scope(input.figures.total)]]) as Record<ThresholdScope, { count: number; oldestArrival: number | null }>;
  return evaluateThresholds(figures, input.thresholds ?? NO_THRESHOLDS, input.now);
}

const ageOf = (f: QueueFigures, now: number) => (f.oldestArrival === null ? 0 : Math.max(0, Math.floor(now - f.oldestArrival)));

function gauge(name: string, help: string, values: Array<[string, number]>): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const [labels, value] of values) lines.push(`${name}${labels} ${value}`);
  return lines.join('\n') + '\n';
}

const perQueue = (pick: (f: QueueFigures, q: QueueName) => number, figures: SpoolFigures): Array<[string, number]> =>
  QUEUE_NAMES.map((q) => [`{queue="${q}"}`, pick(figures.queues[q], q)]);

export function formatPrometheus(input: StatsInput): string {
  const { figures, limits, now } = input;
  const active = figures.queues.active.messages;
  const levels = statsLevels(input);
  return [
    gauge('postq_queue_messages', 'Messages in the Postfix queue (files still being written not counted).', perQueue((f) => f.messages, figures)),
    gauge('postq_queue_bytes', 'Sum of the message sizes in the queue, as postqueue -j message_size.', perQueue((f) => f.bytes, figures)),
    gauge('postq_queue_oldest_age_seconds', 'Age of the oldest message in the queue (0 when empty).', perQueue((f) => ageOf(f, now), figures)),
    gauge('postq_queue_incomplete_files', 'Queue files not yet complete (mode not 0700: being written, or a killed cleanup).', perQueue((f) => f.incomplete, figures)),
    gauge('postq_queue_damaged_messages', 'Messages postq could not read whole (truncated, bad records, no sender).', perQueue((f) => f.damaged, figures)),
    gauge('postq_active_limit', 'qmgr_message_active_limit: at this many active messages qmgr stops scanning incoming and deferred.', [['', limits.activeLimit]]),
    gauge('postq_active_limit_reached', '1 when the active queue is at its limit.', [['', active >= limits.activeLimit ? 1 : 0]]),
    gauge('postq_limits_from_postconf', "1 when the limits come from postconf, 0 when they are Postfix's defaults (no configuration).", [['', limits.source === 'postconf' ? 1 : 0]]),
    gauge('postq_queue_threshold_level', 'The queue against its configured thresholds (count or oldest age): 0 ok, 1 warning, 2 critical.', perQueue((_, q) => levelNumber(levels[q].level), figures)),
    gauge('postq_threshold_level', 'The worst threshold level of any queue or the total: 0 ok, 1 warning, 2 critical.', [['', levelNumber(overallLevel(levels))]]),
    gauge('postq_postfix_up', "1 when Postfix's master runs for this spool (pid file and live process).", [['', input.postfix.running ? 1 : 0]]),
  ].join('');
}

export function formatStatsJson(input: StatsInput): string {
  const { figures, limits, now } = input;
  const levels = statsLevels(input);
  const queue = (f: QueueFigures, level: Level) => ({ messages: f.messages, bytes: f.bytes, oldest_arrival: f.oldestArrival, oldest_age: ageOf(f, now), incomplete: f.incomplete, damaged: f.damaged, level });
  return JSON.stringify({
    spool: input.spool,
    time: now,
    queues: Object.fromEntries(QUEUE_NAMES.map((q) => [q, queue(figures.queues[q], levels[q].level)])),
    total: queue(figures.total, levels.total.level),
    level: overallLevel(levels),
    active_limit: limits.activeLimit,
    active_limit_reached: figures.queues.active.messages >= limits.activeLimit,
    limits: {
      source: limits.source,
      qmgr_message_active_limit: limits.activeLimit,
      maximal_queue_lifetime: limits.maximalQueueLifetime,
      bounce_queue_lifetime: limits.bounceQueueLifetime,
      queue_run_delay: limits.queueRunDelay,
      minimal_backoff_time: limits.minimalBackoffTime,
      maximal_backoff_time: limits.maximalBackoffTime,
    },
    postfix: { running: input.postfix.running, pid: input.postfix.pid, detail: input.postfix.detail },
    ...(input.trends ? { trends: trendsJson(input.trends.history, input.trends.stepSeconds) } : {}),
  }) + '\n';
}

function age(seconds: number | null): string {
  if (seconds === null) return '-';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

export function formatStatsText(input: StatsInput): string {
  const { figures, limits, now } = input;
  const n = formatCount;
  const levels = statsLevels(input);
  // A level column only when thresholds are set: without them the table is as it always was.
  const withLevels = Object.keys(input.thresholds ?? {}).length > 0;
  const levelCell = (scope: ThresholdScope) => {
    if (!withLevels) return [];
    const l = levels[scope];
    const why = l.level === 'ok' ? '' : ` (${[l.count !== 'ok' ? 'count' : '', l.age !== 'ok' ? 'age' : ''].filter(Boolean).join(', ')})`;
    return [` ${l.level.toUpperCase()}${why}`];
  };
  const row = (name: ThresholdScope, f: QueueFigures) =>
    [name.padEnd(9), n(f.messages).padStart(9), n(f.bytes).padStart(14), age(f.oldestArrival === null ? null : now - f.oldestArrival).padStart(8), n(f.incomplete).padStart(11), n(f.damaged).padStart(8), ...levelCell(name)].join(' ');
  const lines = [
    ['queue'.padEnd(9), 'messages'.padStart(9), 'bytes'.padStart(14), 'oldest'.padStart(8), 'incomplete'.padStart(11), 'damaged'.padStart(8), ...(withLevels ? [' level'] : [])].join(' '),
    ...QUEUE_NAMES.map((q) => row(q, figures.queues[q])),
    row('total', figures.total),
    '',
  ];
  const active = figures.queues.active.messages;
  const full = active >= limits.activeLimit ? ' FULL: qmgr is not scanning incoming or deferred' : '';
  const source = limits.source === 'postconf' ? 'from postconf' : 'Postfix default: no configuration to ask';
  lines.push(`active limit  ${n(active)}/${n(limits.activeLimit)} (${source})${full}`);
  lines.push(`postfix       ${input.postfix.running ? 'running' : 'not running'} (${input.postfix.detail})`);
  return lines.join('\n') + '\n';
}
