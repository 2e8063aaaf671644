/**
 * Parse what postsuper writes on stderr (facts doc §9.1) into per-id outcomes:
 *   `postsuper: ID: placed on hold` (one line per message), `Placed on hold: N message(s)`
 *   (one summary per action), `postsuper: warning: invalid mail queue id: X`,
 *   `postsuper: fatal: ...`.
 * An id asked for but not reported is `not-found` (postsuper counts unknown ids silently);
 * an id named in a warning is `failed` with the warning's text.
 *
 * Pure: never throws. Lines it does not understand are kept in `unparsed` for the caller.
 */
import type { ActionOutcome } from '../domain/backend.js';

export interface PostsuperReport {
  /** Ids postsuper reported with the expected verb. */
  done: Set<string>;
  /** Per-id failures postsuper named (invalid ids, rename warnings). */
  failed: Map<string, string>;
  /** Summary counts by label, e.g. `Placed on hold` -> 3. */
  summaries: Map<string, number>;
  /** The first fatal line's text (without the `postsuper: fatal: ` prefix). */
  fatal: string | null;
  warnings: string[];
  unparsed: string[];
}

// postsuper logs as `postsuper: TEXT`; the program name can be a path when run by one.
const PREFIX = /^(?:\S*postsuper(?:\[\d+\])?: )?/;
const PER_ID = /^([A-Za-z0-9_]+): (placed on hold|released from hold|requeued|removed|expired)$/;
const SUMMARY = /^(Requeued|Deleted|Force-expired|Placed on hold|Released from hold|Renamed to match inode number): (\d+) messages?$/;
const INVALID_ID = /^warning: invalid mail queue id: (.*)$/;

export function parsePostsuperStderr(stderr: string, verb: string, asked: ReadonlySet<string>): PostsuperReport {
  const report: PostsuperReport = {
    done: new Set(),
    failed: new Map(),
    summaries: new Map(),
    fatal: null,
    warnings: [],
    unparsed: [],
  };
  for (const raw of stderr.split('\n')) {
    const line = raw.replace(PREFIX, '').trimEnd();
    if (line === '') continue;
    const perId = PER_ID.exec(line);
    if (perId) {
      // -f would report two verbs; only the one asked for counts as done.
      if (perId[2] === verb) report.done.add(perId[1]!);
      continue;
    }
    const summary = SUMMARY.exec(line);
    if (summary) {
      report.summaries.set(summary[1]!, Number(summary[2]));
      continue;
    }
    const invalid = INVALID_ID.exec(line);
    if (invalid) {
      report.failed.set(invalid[1]!, 'invalid queue id (postsuper)');
      continue;
    }
    if (line.startsWith('fatal: ')) {
      report.fatal ??= line.slice('fatal: '.length);
      continue;
    }
    if (line.startsWith('warning: ')) {
      const text = line.slice('warning: '.length);
      report.warnings.push(text);
      // A warning that names an id we asked for (e.g. a rename error) is that id's failure.
      for (const word of text.split(/[\s/:,]+/)) {
        if (asked.has(word) && !report.done.has(word)) report.failed.set(word, text);
      }
      continue;
    }
    report.unparsed.push(line);
  }
  return report;
}

/** Per-id outcomes for the ids sent, from a report. */
export function outcomesFromReport(ids: readonly string[], report: PostsuperReport): ActionOutcome[] {
  return ids.map((queueId): ActionOutcome => {
    if (report.done.has(queueId)) return { queueId, status: 'done' };
    const why = report.failed.get(queueId);
    if (why !== undefined) return { queueId, status: 'failed', reason: why };
    return { queueId, status: 'not-found' };
  });
}
