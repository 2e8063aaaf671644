/**
 * When the watcher writes its snapshot (index-snapshot.ts). A save at exit took about 5 s at
 * 100k messages on a loaded machine (an lstat per defer log, encoding, a 30 MB write and its
 * fsync) and the shell prompt waited for it. So the snapshot is written in the background:
 * `delayMs` after the initial index (the capture time-sliced, the write off the main thread),
 * and again every `everyMs` while the index keeps changing. At stop, a snapshot written in this
 * session is enough: the next start trusts each entry only after an lstat of its file (and
 * log), so what changed since is read again, never shown stale. Only when none was written yet
 * (a quit during or right after the index) does stop() save synchronously, as before.
 *
 * Contract: never throws; a save in progress at stop is abandoned (its temp file removed, the
 * old snapshot left as it was, never renamed half-written). `onSaved` gets null or why not.
 */
import type { SpoolConfig } from '../config/spool-config.js';
import { backgroundTempPath, removeTemp } from './snapshot-write.js';
import { saveIndexSnapshot, saveIndexSnapshotInBackground, type SnapshotPlace } from './snapshot-trust.js';
import type { SpoolIndex } from './spool-index.js';
import { createSlicer } from './time-slice.js';

/** After the index: long enough for the first frames, the first reconcile and a key or two. */
const DEFAULT_DELAY_MS = 3000;
/** A changed index is saved again this often (the save costs about a second of CPU at 100k). */
const DEFAULT_EVERY_MS = 5 * 60_000;

export interface SnapshotSaverOptions {
  delayMs?: number | undefined;
  everyMs?: number | undefined;
  /** Whether the index may be saved now (complete, read from the spool itself, not stopped). */
  allowed(): boolean;
  onSaved(error: string | null): void;
}

export interface SnapshotSaver {
  /** The initial index is complete: schedule the first background save. */
  indexed(): void;
  /** The watcher stops: abandon a save in progress; save synchronously only when none was written. */
  atStop(): void;
  /** The watcher stops without a complete index: abandon a save in progress, write nothing. */
  abandon(): void;
  /** Snapshots written in the background. */
  readonly saves: number;
  /** Whether stop() had to write it. */
  readonly savedAtStop: boolean;
}

export function createSnapshotSaver(config: SpoolConfig, place: SnapshotPlace, index: SpoolIndex, options: SnapshotSaverOptions): SnapshotSaver {
  const slicer = createSlicer(8);
  let timer: NodeJS.Timeout | null = null;
  let saving = false;
  let ended = false;
  /** index.changes when the last snapshot of this session was captured; null: none yet. */
  let savedChanges: number | null = null;
  let saves = 0;
  let savedAtStop = false;

  const schedule = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, ms);
    // A console quitting must not wait for the next save.
    timer.unref();
  };

  async function run() {
    timer = null;
    if (ended || saving) return;
    if (!options.allowed() || index.changes === savedChanges) return schedule(options.everyMs ?? DEFAULT_EVERY_MS);
    saving = true;
    const changes = index.changes;
    try {
      const error = await saveIndexSnapshotInBackground(config, place, index, slicer, () => ended);
      if (ended) return;
      options.onSaved(error);
      if (error === null) {
        savedChanges = changes;
        saves++;
      }
    } finally {
      saving = false;
    }
    if (!ended) schedule(options.everyMs ?? DEFAULT_EVERY_MS);
  }

  const end = () => {
    ended = true;
    if (timer) clearTimeout(timer);
    timer = null;
    // A background save's temp file, should its write be under way: the rename never follows.
    if (saving) removeTemp(backgroundTempPath(place.path));
  };

  return {
    indexed: () => schedule(options.delayMs ?? DEFAULT_DELAY_MS),
    atStop() {
      end();
      if (savedChanges !== null) return;
      options.onSaved(saveIndexSnapshot(config, place, index));
      savedAtStop = true;
    },
    abandon: end,
    get saves() {
      return saves;
    },
    get savedAtStop() {
      return savedAtStop;
    },
  };
}
