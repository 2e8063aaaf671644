/**
 * Reading one log file (plain or gzip, by its magic bytes) through a LineWindow, in bounded
 * chunks: memory stays at the window's size whatever the file's. Cancellable between chunks
 * (an AbortSignal), with progress in bytes of the file as stored.
 *
 * Throws LogAccessError when the file cannot be opened or is not a regular file; a damaged
 * gzip stream ends the file's reading with a warning returned, not a throw.
 */
import { readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { LineWindow } from './line-window.js';
import { openLogFile } from './open-log.js';
import type { TrailCollator } from './trail-collate.js';

export const CHUNK_BYTES = 4 << 20;
export const LOOKBACK_BYTES = 1 << 20;

export interface ScanOptions {
  positionBase: number;
  /** Window sizes (tests shrink them to cross chunk edges often). */
  chunkBytes?: number;
  lookbackBytes?: number;
  since?: number | null;
  until?: number | null;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
}

export interface ScanResult {
  bytes: number;
  compressed: boolean;
  warning: string | null;
}

export async function scanLogFile(path: string, collator: TrailCollator, options: ScanOptions): Promise<ScanResult> {
  const { handle, mtimeMs } = await openLogFile(path);
  try {
    const window = new LineWindow(collator, {
      chunkBytes: options.chunkBytes ?? CHUNK_BYTES,
      lookbackBytes: options.lookbackBytes ?? LOOKBACK_BYTES,
      positionBase: options.positionBase,
      source: path,
      context: { referenceTime: mtimeMs },
      since: options.since ?? null,
      until: options.until ?? null,
    });
    const magic = Buffer.alloc(2);
    const { bytesRead: m } = await handle.read(magic, 0, 2, 0);
    if (m === 2 && magic[0] === 0x1f && magic[1] === 0x8b) return await scanGzip(handle, window, options);
    let offset = 0;
    for (;;) {
      if (options.signal?.aborted) break;
      const target = window.writeTarget();
      // A synchronous read of one chunk (a few ms from the page cache) then a turn of the
      // event loop: a thread-pool round trip per chunk cost more wall time than the read
      // on a busy machine, and the console still gets the loop between chunks.
      const bytesRead = readSync(handle.fd, target, 0, target.length, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      window.fill(bytesRead);
      options.onBytes?.(bytesRead);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    window.finish();
    return { bytes: offset, compressed: false, warning: null };
  } finally {
    await handle.close();
  }
}

async function scanGzip(handle: import('node:fs').promises.FileHandle, window: LineWindow, options: ScanOptions): Promise<ScanResult> {
  const input = handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 1 << 20 });
  let compressed = 0;
  input.on('data', (chunk) => {
    compressed += chunk.length;
    options.onBytes?.(chunk.length);
  });
  const gunzip = createGunzip();
  input.pipe(gunzip);
  let warning: string | null = null;
  try {
    for await (const chunk of gunzip) {
      if (options.signal?.aborted) break;
      window.push(chunk as Buffer);
    }
  } catch (error) {
    warning = `gzip stream damaged after ${compressed} bytes: ${(error as Error).message}`;
  } finally {
    input.unpipe(gunzip);
    input.destroy();
    gunzip.destroy();
  }
  window.finish();
  return { bytes: compressed, compressed: true, warning };
}
