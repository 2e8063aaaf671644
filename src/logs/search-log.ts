/**
 * One search of the mail log for the trails of some queue ids: every source of a LogPlan is
 * read in turn (each file's rotations oldest first, then the journal), through one collator,
 * so a hop found in an old file is followed into the newer ones. Progress is reported in
 * bytes (files) or records (journal); an AbortSignal stops it between chunks.
 *
 * Never throws for the environment: a source that cannot be read is listed in `failed` with
 * the reason, so the caller can say "unreadable" rather than show an empty trail.
 */
import { stat } from 'node:fs/promises';
import type { LogPlan } from './find-log.js';
import { scanJournal } from './journal-source.js';
import { LogAccessError } from './open-log.js';
import { scanLogFile } from './scan-file.js';
import { createTrailCollator, type CollatorOptions, type Trail, type TrailCollator } from './trail-collate.js';

/** A file's position base: its index in the reading order times 2^40 (1 TiB per file). */
export const FILE_POSITION_SPAN = 2 ** 40;

export interface SearchProgress {
  bytesDone: number;
  bytesTotal: number;
  records: number;
  source: string;
}

export interface SearchOptions {
  ids: string[];
  follow: boolean;
  since?: number | null;
  until?: number | null;
  signal?: AbortSignal;
  onProgress?: (progress: SearchProgress) => void;
  onEntry?: CollatorOptions['onEntry'];
  chunkBytes?: number;
  lookbackBytes?: number;
}

export interface SourceReport {
  source: string;
  bytes: number;
  compressed: boolean;
}

export interface SearchResult {
  trail: Trail;
  collator: TrailCollator;
  read: SourceReport[];
  failed: Array<{ source: string; reason: string }>;
  warnings: string[];
  cancelled: boolean;
  /** The live file of each file source, with the offset reached (where --follow starts). */
  tails: Array<{ path: string; offset: number }>;
}

export async function searchLog(plan: LogPlan, options: SearchOptions): Promise<SearchResult> {
  const collator = createTrailCollator(options.ids, { follow: options.follow, onEntry: options.onEntry });
  const result: SearchResult = { trail: { transactions: [], links: [] }, collator, read: [], failed: [], warnings: [], cancelled: false, tails: [] };
  const files = plan.sources.flatMap((s) => (s.kind === 'file' ? s.files : []));
  const sizes = new Map<string, number>();
  for (const path of files) sizes.set(path, await stat(path).then((s) => s.size, () => 0));
  const progress: SearchProgress = { bytesDone: 0, bytesTotal: [...sizes.values()].reduce((a, b) => a + b, 0), records: 0, source: '' };
  let fileIndex = 0;
  for (const source of plan.sources) {
    if (options.signal?.aborted) break;
    if (source.kind === 'journal') {
      progress.source = 'journal';
      try {
        const { records } = await scanJournal(collator, {
          syslogName: source.syslogName,
          since: options.since,
          until: options.until,
          signal: options.signal,
          onRecords: (n) => {
            progress.records += n;
            options.onProgress?.(progress);
          },
        });
        result.read.push({ source: 'journal', bytes: records, compressed: false });
      } catch (error) {
        result.failed.push({ source: 'journal', reason: error instanceof LogAccessError ? error.reason : String(error) });
      }
      continue;
    }
    for (const path of source.files) {
      if (options.signal?.aborted) break;
      progress.source = path;
      try {
        const scanned = await scanLogFile(path, collator, {
          positionBase: fileIndex++ * FILE_POSITION_SPAN,
          chunkBytes: options.chunkBytes,
          lookbackBytes: options.lookbackBytes,
          since: options.since,
          until: options.until,
          signal: options.signal,
          onBytes: (n) => {
            progress.bytesDone += n;
            options.onProgress?.(progress);
          },
        });
        result.read.push({ source: path, bytes: scanned.bytes, compressed: scanned.compressed });
        if (scanned.warning) result.warnings.push(`${path}: ${scanned.warning}`);
        if (path === source.path) result.tails.push({ path, offset: scanned.bytes });
      } catch (error) {
        result.failed.push({ source: path, reason: error instanceof LogAccessError ? error.reason : String(error) });
      }
    }
  }
  result.cancelled = !!options.signal?.aborted;
  result.trail = collator.trail();
  return result;
}
