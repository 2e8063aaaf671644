/**
 * Newline-delimited input split into lines, with a bound: a line longer than maxBytes is
 * dropped whole (reported once through onOverflow) instead of growing a buffer without end.
 * Chunks are kept as Buffers until a newline, so a multi-byte character split across chunks
 * decodes whole. A chunk's tail is kept as a view, not a copy (the caller hands over its
 * chunks: a stream's are fresh each read), and a line is joined once at its known length: a
 * batch line is about 1 MB in 64 KB reads, and each byte was copied twice before its decoding.
 */
import { MAX_LINE_BYTES } from './protocol.js';

export interface LineSplitter {
  push(chunk: Buffer): void;
}

export function createLineSplitter(onLine: (line: string) => void, maxBytes = MAX_LINE_BYTES, onOverflow?: (bytes: number) => void): LineSplitter {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  return {
    push(chunk) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) break;
        const piece = chunk.subarray(start, nl);
        if (!skipping && size + piece.length <= maxBytes) {
          const line = parts.length === 0 ? piece.toString('utf8') : Buffer.concat([...parts, piece], size + piece.length).toString('utf8');
          if (line.length > 0) onLine(line);
        } else {
          onOverflow?.(size + piece.length);
        }
        parts = [];
        size = 0;
        skipping = false;
        start = nl + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start);
        if (!skipping && size + rest.length > maxBytes) {
          skipping = true;
          parts = [];
        } else if (!skipping) {
          parts.push(rest);
        }
        size += rest.length;
      }
    },
  };
}
