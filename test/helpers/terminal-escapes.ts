/**
 * Escape sequences not in the set postq's renderer uses: CSI cursor moves and erases, SGR
 * attributes (no colours under NO_COLOR), and the private modes 25 (cursor), 2026 (synchronized
 * output) and 1049 (alternate screen). OSC, DCS, APC, PM, SOS and anything else is foreign.
 */
export function foreignEscapes(out: string): string[] {
  const foreign: string[] = [];
  const re = /\x1b(\[[0-?]*[ -/]*[@-~]|.)/gs;
  for (let m = re.exec(out); m; m = re.exec(out)) {
    const seq = m[0];
    const csi = /^\x1b\[([0-9;?]*)([A-Za-z])$/.exec(seq);
    if (!csi) {
      foreign.push(JSON.stringify(seq));
      continue;
    }
    const [, params, final] = csi;
    if (params!.startsWith('?')) {
      if (!/^\?(25|2026|1049)$/.test(params!) || !'hl'.includes(final!)) foreign.push(JSON.stringify(seq));
    } else if (final === 'm') {
      const codes = params!.split(';').filter(Boolean).map(Number);
      if (codes.some((c) => !(c <= 9 || (c >= 21 && c <= 29)))) foreign.push(JSON.stringify(seq));
    } else if (final === 'J' || !'ABCDEFGHK'.includes(final!)) {
      foreign.push(JSON.stringify(seq));
    }
  }
  return [...new Set(foreign)];
}
