/**
 * A stdout wrapper that keeps Ink 6.8's incremental frames anchored to the top of the frame.
 *
 * Why: Ink 6.8's incremental renderer (log-update.js createIncremental) writes each frame
 * with a trailing newline, so the cursor rests one line BELOW the frame, yet the next frame
 * starts with cursorUp(previousLines - 1): one line short. Every frame then lands one line
 * lower and the screen scrolls (seen in tmux and in the fake terminal: the header walks off
 * the top). The shrink branch accounts for the trailing newline; the equal/grow branch does not.
 *
 * What: track the cursor's row relative to the frame top from what is written (LF, CUU, CUD,
 * CNL, CPL: all Ink moves with), and when a write starts with CUU (optionally after the
 * synchronized-output marker), make it go up exactly to the frame top. If Ink is fixed, the
 * count is already right and nothing changes. Everything else passes through untouched.
 */

// eslint-disable-next-line no-control-regex
const LEADING_UP = /^((?:\x1b\[\?2026h)?)\x1b\[(\d*)A/;
// eslint-disable-next-line no-control-regex
const MOVES = /\n|\x1b\[(\d*)([ABEF])/g;

export interface AnchoredStream {
  stream: NodeJS.WriteStream;
  /** The cursor row relative to the frame top, as tracked. */
  row(): number;
}

export function anchorFrames(target: NodeJS.WriteStream): AnchoredStream {
  let row = 0;
  const track = (text: string) => {
    MOVES.lastIndex = 0;
    for (let m = MOVES.exec(text); m; m = MOVES.exec(text)) {
      if (m[0] === '\n') {
        row++;
        continue;
      }
      const n = Math.max(1, Number(m[1] || '1'));
      if (m[2] === 'A' || m[2] === 'F') row = Math.max(0, row - n);
      else row += n;
    }
  };
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    let text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const up = LEADING_UP.exec(text);
    if (up && row > 0) text = `${up[1]}\x1b[${row}A${text.slice(up[0].length)}`;
    track(text);
    return (target.write as (c: string, ...r: unknown[]) => boolean)(text, ...rest);
  };
  const stream = new Proxy(target, {
    get(obj, prop) {
      if (prop === 'write') return write;
      const value = Reflect.get(obj, prop, obj) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
  return { stream, row: () => row };
}
