/**
 * The theme as React context, and <Line>: one terminal row built from styled segments, cut
 * and padded to an exact width so Ink never wraps it. Segments carry semantic tokens.
 * ThemeSource: the current theme plus change notification, so a theme reloaded from its file
 * (src/watch/theme-watcher.ts) re-renders the running console.
 */
import React, { createContext, useContext } from 'react';
import { Text } from 'ink';
import type { Theme, ThemeToken } from '../config/theme.js';
import { monoTheme } from '../config/theme.js';
import { cellWidth, truncateCells } from './text-cells.js';

export const ThemeContext = createContext<Theme>(monoTheme());
export const useTheme = (): Theme => useContext(ThemeContext);

export interface ThemeSource {
  get(): Theme;
  set(theme: Theme): void;
  subscribe(listener: () => void): () => void;
}

export function createThemeSource(initial: Theme): ThemeSource {
  let current = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    set(theme) {
      if (theme === current) return;
      current = theme;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface Segment {
  text: string;
  token?: ThemeToken;
}

/** Cut segments to `width` cells in total; pad the last with blanks. */
export function fitSegments(segments: readonly Segment[], width: number): Segment[] {
  const out: Segment[] = [];
  let used = 0;
  for (const seg of segments) {
    if (used >= width) break;
    const room = width - used;
    const text = cellWidth(seg.text) <= room ? seg.text : truncateCells(seg.text, room);
    out.push({ ...seg, text });
    used += cellWidth(text);
  }
  if (used < width) out.push({ text: ' '.repeat(width - used) });
  return out;
}

export function Line({ segments, width }: { segments: readonly Segment[]; width: number }): React.ReactElement {
  const theme = useTheme();
  const fitted = fitSegments(segments, width);
  return (
    <Text>
      {fitted.map((seg, i) => (
        <Text key={i} {...(seg.token ? theme.tokens[seg.token] : {})}>
          {seg.text}
        </Text>
      ))}
    </Text>
  );
}

/** A line of one style (or none). */
export function Plain({ text, width, token }: { text: string; width: number; token?: ThemeToken }): React.ReactElement {
  return <Line segments={[{ text, ...(token ? { token } : {}) }]} width={width} />;
}
