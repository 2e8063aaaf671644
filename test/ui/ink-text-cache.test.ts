/**
 * Ink's text-size cache bounded (src/ui/ink-text-cache.ts): caught in this install before Ink
 * loads, it is the cache Ink's layout uses (rendering fills it), it stays under its bound
 * however many distinct texts are laid out, and Ink still lays them out right after a
 * restart of the cache. Ink is imported only after the bound (dynamically), as the CLI does.
 */
import { describe, expect, it } from 'vitest';
import { boundInkTextCache, inkTextCacheSize } from '../../src/ui/ink-text-cache.js';

const MAX = 10;

describe('boundInkTextCache', () => {
  it('bounds the cache Ink lays text out with', async () => {
    expect(await boundInkTextCache(MAX)).toBe(true);
    expect(inkTextCacheSize()).toBe(0);
    // A plain Map again for everyone else.
    expect(new Map().constructor).toBe(Map);
    const { renderToString, Box, Text } = await import('ink');
    const React = (await import('react')).default;
    let last = '';
    for (let i = 0; i < 3 * MAX; i++) {
      // Two lines of different widths: a wrong size from the cache would pad or wrap them.
      last = renderToString(React.createElement(Box, { flexDirection: 'column' }, React.createElement(Text, null, `row ${i} ${'x'.repeat(i % 7)}`), React.createElement(Text, null, `${i}`)));
      expect(inkTextCacheSize()).toBeGreaterThan(0);
      expect(inkTextCacheSize()).toBeLessThanOrEqual(MAX);
    }
    expect(last).toBe(`row ${3 * MAX - 1} ${'x'.repeat((3 * MAX - 1) % 7)}\n${3 * MAX - 1}`);
  });

  it('answers the same on a second call (once per process)', async () => {
    expect(await boundInkTextCache(MAX)).toBe(true);
  });
});
