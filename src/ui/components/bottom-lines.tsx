/**
 * The flash line (result of the last action: "held 12 of 12", errors) and the key hints.
 * In compact layouts both share one line: the flash wins while there is one.
 */
import React from 'react';
import { Box } from 'ink';
import type { Flash } from '../../store/console-state.js';
import type { ThemeToken } from '../../config/theme.js';
import { printable } from '../../spool/printable.js';
import { Line, Plain, type Segment } from '../theme-context.js';

const LEVEL: Record<Flash['level'], { glyph: string; token: ThemeToken }> = {
  ok: { glyph: '✓', token: 'status.ok' },
  info: { glyph: '·', token: 'status.info' },
  warn: { glyph: '!', token: 'status.warn' },
  error: { glyph: '✗', token: 'status.error' },
};

export function FlashLine({ flash, width }: { flash: Flash | null; width: number }): React.ReactElement {
  if (!flash) return <Plain text="" width={width} />;
  const { glyph, token } = LEVEL[flash.level];
  return <Line segments={[{ text: `${glyph} ${printable(flash.text)}`, token }]} width={width} />;
}

export type HintSet = Array<[key: string, what: string, disabled?: boolean]>;

export function HintsLine({ hints, width }: { hints: HintSet; width: number }): React.ReactElement {
  const segs: Segment[] = [];
  for (const [key, what, disabled] of hints) {
    segs.push({ text: key, token: disabled ? 'disabled' : 'key' }, { text: ` ${what}  `, token: disabled ? 'disabled' : 'muted' });
  }
  return <Line segments={segs} width={width} />;
}

/** `note`: what stands on the flash line while no flash is up (why polling, why read-only); compact layouts keep the hints instead. */
export function BottomLines(props: { flash: Flash | null; note?: Flash | null; hints: HintSet; width: number; compact: boolean }): React.ReactElement {
  if (props.compact) {
    return props.flash ? <FlashLine flash={props.flash} width={props.width} /> : <HintsLine hints={props.hints} width={props.width} />;
  }
  return (
    <Box flexDirection="column">
      <FlashLine flash={props.flash ?? props.note ?? null} width={props.width} />
      <HintsLine hints={props.hints} width={props.width} />
    </Box>
  );
}
