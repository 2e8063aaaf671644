/**
 * The frame-anchor wrapper: Ink 6.8's incremental frames land one line low without it (so the
 * screen scrolls a line per frame); with it every frame starts at the frame's top line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { anchorFrames } from '../../src/ui/frame-anchor.js';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { mountConsole } from './harness.js';

const copy = copyCorpusSpool('basic');
afterAll(() => copy.cleanup());

describe('anchorFrames', () => {
  it('rewrites a leading cursor-up to reach the frame top, tracking LF, CUU, CNL', () => {
    const written: string[] = [];
    const fake = { write: (s: string) => written.push(s) > 0, columns: 80 } as unknown as NodeJS.WriteStream;
    const { stream, row } = anchorFrames(fake);
    stream.write('a\nb\nc\n'); // a 3-line frame with the trailing newline
    expect(row()).toBe(3);
    stream.write('\x1b[2A\x1b[E\x1b[1Gb2\x1b[K\n\x1b[E'); // Ink's cursorUp(previous - 1)
    expect(written[1]!.startsWith('\x1b[3A')).toBe(true);
    expect(row()).toBe(3);
    stream.write('\x1b[?2026h\x1b[2A\x1b[E\x1b[E\x1b[E');
    expect(written[2]!.startsWith('\x1b[?2026h\x1b[3A')).toBe(true);
    expect(stream.columns).toBe(80);
  });

  it('documents the Ink 6.8 bug: unanchored, frames land one line low and the screen goes wrong', async () => {
    const raw = await mountConsole(copy.spool, { unanchored: true });
    const fixed = await mountConsole(copy.spool);
    for (const h of [raw, fixed]) for (let i = 0; i < 3; i++) await h.press('list.down');
    expect(fixed.term.screen.lines()[0]).toMatch(/^postq/);
    expect(fixed.term.screen.lines()[7]).toMatch(/^> /);
    expect(fixed.term.screen.lines()[23]).toBe('');
    // Same state, same frames from Ink: only the anchoring differs.
    expect(raw.screen()).not.toBe(fixed.screen());
    raw.unmount();
    fixed.unmount();
  });
});
