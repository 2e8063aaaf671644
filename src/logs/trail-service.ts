/**
 * The console's log trails: open(queueId, onUpdate) finds the log (find-log.ts), searches it
 * with progress (throttled to a few updates a second), then, while the pane stays open,
 * tails the live files and reports new lines of the trail as Postfix writes them. The
 * returned function cancels: the search stops at its next chunk and the tail is closed.
 *
 * Never throws: no log, or none readable, is an update with phase 'unavailable' and the
 * reason, never an empty trail.
 */
import { findLogSources } from './find-log.js';
import { FILE_POSITION_SPAN, searchLog } from './search-log.js';
import { tailLogFile, type LogTail } from './tail-file.js';
import type { TrailEntry } from './trail-collate.js';
import type { LogTrailState } from './trail-state.js';

export interface LogTrails {
  open(queueId: string, onUpdate: (state: LogTrailState) => void): () => void;
}

export interface LogTrailsOptions {
  configDir: string | null;
  /** --log values (files or 'journal'); empty: discover. */
  logs?: string[];
  /** Minimum ms between progress updates (default 150). */
  progressMs?: number;
}

export function createLogTrails(options: LogTrailsOptions): LogTrails {
  return {
    open(queueId, onUpdate) {
      const controller = new AbortController();
      let tails: LogTail[] = [];
      let closed = false;
      const state: LogTrailState = { queueId, phase: 'searching', bytesDone: 0, bytesTotal: 0, sources: 'looking for the mail log…', problems: [], trail: { transactions: [], links: [] } };
      const emit = (patch: Partial<LogTrailState>) => {
        if (closed) return;
        Object.assign(state, patch);
        onUpdate({ ...state, problems: [...state.problems] });
      };
      void (async () => {
        const plan = findLogSources({ logs: options.logs ?? [], configDir: options.configDir });
        if (plan.sources.length === 0) return emit({ phase: 'unavailable', sources: `no mail log found (looked at: ${plan.looked.join(', ')})` });
        const describe = plan.sources.map((s) => (s.kind === 'journal' ? 'journal' : s.path)).join(', ');
        emit({ sources: `log: ${describe} [${plan.how}]` });
        let last = 0;
        // Lines found so far, shown while the search goes on (the links come at the end).
        const partial = new Map<string, TrailEntry[]>([[queueId, []]]);
        let fresh = false;
        const result = await searchLog(plan, {
          ids: [queueId],
          follow: true,
          signal: controller.signal,
          onEntry: (id, entry) => {
            if (!partial.has(id)) partial.set(id, []);
            partial.get(id)!.push(entry);
            fresh = true;
          },
          onProgress: (p) => {
            const now = Date.now();
            if (now - last < (options.progressMs ?? 150)) return;
            last = now;
            const patch: Partial<LogTrailState> = { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal };
            if (fresh) {
              fresh = false;
              patch.trail = { transactions: [...partial].map(([id, entries]) => ({ queueId: id, entries: [...entries].sort((a, b) => a.position - b.position) })), links: [] };
            }
            emit(patch);
          },
        });
        if (closed) return;
        const problems = [...result.failed.map((f) => `cannot read ${f.source}: ${f.reason}`), ...result.warnings];
        if (result.read.length === 0) return emit({ phase: 'unavailable', problems, trail: result.trail });
        const read = result.read.map((r) => (r.source === 'journal' ? 'journal' : r.source)).join(', ');
        emit({ phase: result.tails.length > 0 ? 'live' : 'done', sources: `log: ${read} [${plan.how}]`, problems, trail: result.trail, bytesDone: state.bytesTotal });
        let count = result.trail.transactions.reduce((n, t) => n + t.entries.length, 0);
        let base = (result.read.length + 1) * FILE_POSITION_SPAN;
        tails = result.tails.map((t) => {
          base += FILE_POSITION_SPAN;
          return tailLogFile(t.path, t.offset, result.collator, {
            positionBase: base,
            onProblem: (m) => emit({ problems: [...state.problems.filter((p) => p !== m), m] }),
            onPoll: () => {
              const trail = result.collator.trail();
              const now = trail.transactions.reduce((n, t2) => n + t2.entries.length, 0);
              if (now !== count || trail.links.length !== state.trail.links.length) {
                count = now;
                emit({ trail });
              }
            },
          });
        });
        if (closed) for (const t of tails) void t.stop();
      })().catch((error: unknown) => emit({ phase: 'unavailable', sources: `the log search failed: ${(error as Error).message}` }));
      return () => {
        closed = true;
        controller.abort();
        for (const t of tails) void t.stop();
      };
    },
  };
}
