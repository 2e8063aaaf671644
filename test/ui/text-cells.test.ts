/**
 * Cell arithmetic (src/ui/text-cells.ts) with its remembered widths gives what string-width
 * gives, first time and again: widths, truncation and wrapping of ASCII, `…`, box drawing,
 * CJK, emoji and combining marks, and a table past its bound starts again without changing
 * an answer.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { cellWidth, truncateCells, wrapCells } from '../../src/ui/text-cells.js';

const TEXTS = ['plain ascii row', 'trunc… with ellipsis', '│ 2,000 msgs ● live', '漢字のテキストです', 'ok 👍 done', 'e\u0301 combining', 'ｶﾀｶﾅ halfwidth', ''];

/** The reference: string-width over the whole text and per code point, nothing remembered. */
function referenceTruncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    if (used + stringWidth(ch) > width - 1) break;
    out += ch;
    used += stringWidth(ch);
  }
  return out + '…';
}

describe('text cells', () => {
  it('measures, truncates and wraps as string-width does, again and again', () => {
    for (let round = 0; round < 3; round++) {
      for (const text of TEXTS) {
        expect(cellWidth(text)).toBe(stringWidth(text));
        for (const width of [0, 1, 2, 5, 9, 40]) {
          expect(truncateCells(text, width), `${text} @${width}`).toBe(referenceTruncate(text, width));
          if (width > 1) for (const row of wrapCells(text, width)) expect(stringWidth(row)).toBeLessThanOrEqual(width);
        }
        expect(wrapCells(text, 4).join('')).toBe(text);
      }
    }
  });

  it('stays right past the bound of what it remembers', () => {
    for (let i = 0; i < 9000; i++) expect(cellWidth(`row ${i} …`)).toBe(String(i).length + 6);
    expect(cellWidth('漢字')).toBe(4);
  });
});
