/**
 * A fake terminal for component tests where size matters (ink-testing-library fixes the width
 * at 100 and has no height): a TTY-like stdout with columns/rows and resize(), a stdin Ink can
 * put in raw mode, a byte log of everything written, and a small VT emulator (the subset Ink
 * 6.8 emits: CUU/CUD/CUF/CUB/CNL/CPL/CHA/CUP, EL, ED, SGR, DEC private modes incl. 1049 alternate
 * screen) so tests read the screen as a user sees it, including scrolling off the top.
 */
import { EventEmitter } from 'node:events';
import stringWidth from 'string-width';

export class FakeStdout extends EventEmitter {
  isTTY = true;
  /** Every chunk written, in order, and when (performance.now()). */
  readonly chunks: string[] = [];
  readonly times: number[] = [];
  constructor(
    public columns: number,
    public rows: number,
    private readonly screen: VirtualScreen,
  ) {
    super();
  }
  write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.chunks.push(text);
    this.times.push(performance.now());
    this.screen.feed(text);
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  getColorDepth(): number {
    return 8;
  }
  hasColors(): boolean {
    return true;
  }
  /** Total bytes written so far. */
  get bytes(): number {
    return this.chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  rawMode = false;
  /**
   * Out of raw mode, take input as a tty in canonical mode does (Linux n_tty): held as a line
   * until LF (CR becomes LF), ^U erasing it; a line not ended is readable once raw mode is on.
   */
  cooked = false;
  private line = '';
  constructor() {
    super();
    // As a stream does: input that came before anyone listened is announced to the listener.
    this.on('newListener', (event) => event === 'readable' && queueMicrotask(() => this.queue.length > 0 && this.emit('readable')));
  }
  write(data: string): void {
    if (this.cooked && !this.rawMode) return this.cook(data);
    this.queue.push(data);
    this.emit('readable');
  }
  private cook(data: string): void {
    for (const ch of data) {
      if (ch === '\x15') this.line = '';
      else if (ch === '\r' || ch === '\n') {
        this.queue.push(`${this.line}\n`);
        this.line = '';
        this.emit('readable');
      } else this.line += ch;
    }
  }
  read = (): string | null => this.queue.shift() ?? null;
  setEncoding(): void {}
  setRawMode(mode: boolean): void {
    this.rawMode = mode;
    if (mode && this.line) {
      this.queue.push(this.line);
      this.line = '';
    }
  }
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/** A grid of cells fed with terminal output. Wide characters take their cell plus a blank. */
export class VirtualScreen {
  private main: string[][];
  private alt: string[][] | null = null;
  row = 0;
  col = 0;
  /** Lines that scrolled off the top of the main screen. */
  readonly scrollback: string[] = [];
  /** How many times the screen was cleared (CSI 2J) and scrollback erased (CSI 3J). */
  clears = 0;
  scrollbackErases = 0;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    this.main = this.blank();
  }
  private blank(): string[][] {
    return Array.from({ length: this.rows }, () => Array<string>(this.columns).fill(' '));
  }
  private get grid(): string[][] {
    return this.alt ?? this.main;
  }
  get alternate(): boolean {
    return this.alt !== null;
  }
  resize(columns: number, rows: number): void {
    const fit = (g: string[][]) => {
      const out = Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => g[r]?.[c] ?? ' '));
      return out;
    };
    this.columns = columns;
    this.rows = rows;
    this.main = fit(this.main);
    if (this.alt) this.alt = fit(this.alt);
    this.row = Math.min(this.row, rows - 1);
    this.col = Math.min(this.col, columns - 1);
  }
  private lineFeed(): void {
    if (this.row < this.rows - 1) {
      this.row++;
      return;
    }
    const top = this.grid.shift()!;
    if (!this.alt) this.scrollback.push(top.join('').trimEnd());
    this.grid.push(Array<string>(this.columns).fill(' '));
  }
  private put(ch: string): void {
    const w = stringWidth(ch);
    if (w === 0) return;
    if (this.col + w > this.columns) {
      this.col = 0;
      this.lineFeed();
    }
    this.grid[this.row]![this.col] = ch;
    if (w === 2 && this.col + 1 < this.columns) this.grid[this.row]![this.col + 1] = '';
    this.col += w;
  }
  feed(text: string): void {
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '\x1b') {
        i = this.escape(text, i);
        continue;
      }
      if (ch === '\n') {
        this.col = 0; // the tty's ONLCR: Ink relies on \n meaning CR LF
        this.lineFeed();
      } else if (ch === '\r') this.col = 0;
      else if (ch === '\b') this.col = Math.max(0, this.col - 1);
      else if (ch === '\x07' || ch < ' ') {
        /* bell and other controls: no cell */
      } else {
        const cp = text.codePointAt(i)!;
        const s = String.fromCodePoint(cp);
        this.put(s);
        i += s.length;
        continue;
      }
      i++;
    }
  }
  private escape(text: string, start: number): number {
    const next = text[start + 1];
    if (next === '[') {
      const m = /^\x1b\[([?<>=]?)([0-9;]*)([ -/]*)([@-~])/.exec(text.slice(start, start + 64));
      if (!m) return start + 2;
      this.csi(m[1]!, m[2]!.split(';').map((n) => (n === '' ? NaN : Number(n))), m[4]!);
      return start + m[0].length;
    }
    if (next === ']' || next === 'P' || next === '_' || next === '^') {
      // OSC/DCS/APC/PM: up to BEL or ST. (postq must never send one from a message.)
      const bel = text.indexOf('\x07', start);
      const st = text.indexOf('\x1b\\', start);
      const ends = [bel >= 0 ? bel + 1 : Infinity, st >= 0 ? st + 2 : Infinity];
      const end = Math.min(...ends);
      return end === Infinity ? text.length : end;
    }
    return start + 2;
  }
  private csi(prefix: string, params: number[], final: string): void {
    const n = (k = 0, d = 1) => (Number.isNaN(params[k]!) || params[k] === undefined ? d : params[k]! || d);
    const grid = this.grid;
    if (prefix === '?') {
      if (params.includes(1049) && final === 'h' && !this.alt) {
        this.alt = this.blank();
        this.row = 0;
        this.col = 0;
      }
      if (params.includes(1049) && final === 'l') this.alt = null;
      return;
    }
    switch (final) {
      case 'A': this.row = Math.max(0, this.row - n()); break;
      case 'B': this.row = Math.min(this.rows - 1, this.row + n()); break;
      case 'C': this.col = Math.min(this.columns - 1, this.col + n()); break;
      case 'D': this.col = Math.max(0, this.col - n()); break;
      case 'E': this.row = Math.min(this.rows - 1, this.row + n()); this.col = 0; break;
      case 'F': this.row = Math.max(0, this.row - n()); this.col = 0; break;
      case 'G': this.col = Math.min(this.columns - 1, n() - 1); break;
      case 'H': case 'f': this.row = Math.min(this.rows - 1, n(0) - 1); this.col = Math.min(this.columns - 1, n(1) - 1); break;
      case 'K': {
        const mode = Number.isNaN(params[0]!) ? 0 : params[0]!;
        const line = grid[this.row]!;
        const [from, to] = mode === 0 ? [this.col, this.columns] : mode === 1 ? [0, this.col + 1] : [0, this.columns];
        for (let c = from; c < to; c++) line[c] = ' ';
        break;
      }
      case 'J': {
        const mode = Number.isNaN(params[0]!) ? 0 : params[0]!;
        if (mode === 3) { this.scrollbackErases++; this.scrollback.length = 0; break; }
        if (mode === 2) { this.clears++; for (const line of grid) line.fill(' '); break; }
        for (let r = this.row; r < this.rows; r++) for (let c = r === this.row ? this.col : 0; c < this.columns; c++) grid[r]![c] = ' ';
        break;
      }
      default: break; // SGR (m) and the rest do not move text
    }
  }
  /** The visible screen, one string per row, trailing blanks trimmed. */
  lines(): string[] {
    return this.grid.map((r) => r.join('').trimEnd());
  }
  text(): string {
    return this.lines().join('\n');
  }
}

export interface FakeTerminal {
  stdout: FakeStdout;
  stdin: FakeStdin;
  stderr: FakeStdout;
  screen: VirtualScreen;
  resize(columns: number, rows: number): void;
}

export function createFakeTerminal(columns: number, rows: number): FakeTerminal {
  const screen = new VirtualScreen(columns, rows);
  const stdout = new FakeStdout(columns, rows, screen);
  const stderr = new FakeStdout(columns, rows, new VirtualScreen(columns, rows));
  const stdin = new FakeStdin();
  return {
    stdout,
    stdin,
    stderr,
    screen,
    resize(c, r) {
      screen.resize(c, r);
      stdout.columns = c;
      stdout.rows = r;
      stdout.emit('resize');
    },
  };
}

/** Wait until `check` passes, polling on the event loop (frames land after a microtask). */
export async function waitForCondition(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Wait until the screen shows `pattern`; returns the screen text. */
export async function waitForScreen(term: FakeTerminal, pattern: string | RegExp, timeoutMs = 5000): Promise<string> {
  const test = () => (typeof pattern === 'string' ? term.screen.text().includes(pattern) : pattern.test(term.screen.text()));
  try {
    await waitForCondition(test, String(pattern), timeoutMs);
  } catch {
    throw new Error(`timed out waiting for ${String(pattern)} on the screen:\n${term.screen.text()}`);
  }
  return term.screen.text();
}
