/**
 * Drive a real terminal: a private tmux server (its own -L socket, so parallel tests and the
 * user's tmux never meet) with one pane of a fixed size running a command. The command waits
 * for one line on stdin before exec, so `pipe-pane` records the program's output from its very
 * first byte, and tells the waits when there is something new to read. Waits poll the screen
 * with a deadline; nothing sleeps a fixed time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countOutsideCpu, cpuLogEnabled, procCpuMs } from './cpu-account.js';

let counter = 0;

export interface TmuxPane {
  socket: string;
  /** Raw bytes the program wrote to the terminal (pipe-pane), so far. */
  output(): Buffer;
  /** The visible screen as text. */
  capture(): string;
  /** Send raw bytes (e.g. keySequence('down')). */
  send(bytes: string): void;
  /** Send tmux key names (Enter, Escape, C-c). */
  keys(...names: string[]): void;
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Wait until `ok(screen)` holds. */
  waitUntil(ok: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** Wait until the screen no longer matches `pattern`. */
  waitGone(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): void;
  /** tmux format variables, e.g. '#{alternate_on}', '#{pane_dead}'. */
  display(format: string): string;
  /** The program's process id (the child of the pane's shell). */
  pid(): number;
  /** The program's exit status once it has ended (128+N after signal N), else null. */
  exitCode(): number | null;
  close(): void;
}

export interface TmuxOptions {
  columns: number;
  rows: number;
  /** argv of the program; run with `env -u CI` so Ink draws every frame. */
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Send the program's stderr to this file instead of the pane. */
  stderrFile?: string;
}

/** The longest a wait goes without capturing the screen while the program writes nothing. */
const CAPTURE_MS = 250;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** For test/setup/cpu-log.ts: the pane program's CPU (its shell's, once it has ended). */
function countPaneCpu(tmux: (...args: string[]) => string): void {
  try {
    const shell = Number(tmux('display-message', '-p', '-t', 'main', '#{pane_pid}').trim());
    let ms = procCpuMs(shell)?.children ?? 0;
    const running = execFileSync('ps', ['-o', 'pid=', '--ppid', String(shell)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    for (const pid of running) {
      const cpu = procCpuMs(Number(pid));
      if (cpu) ms += cpu.self + cpu.children;
    }
    countOutsideCpu(ms);
  } catch {
    // The server is gone already: nothing to count.
  }
}

export function isMatch(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}

export function startTmux(options: TmuxOptions): TmuxPane {
  const socket = `postq-test-${process.pid}-${counter++}`;
  const dir = mkdtempSync(join(tmpdir(), 'postq-tmux-'));
  const log = join(dir, 'output.bin');
  const statusFile = join(dir, 'status');
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const envs = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  // The shell waits for the program and records its exit status (tmux 3.3 does not always
  // report pane_dead_status); the pane then stays (remain-on-exit) so its screen can be read.
  const stderr = options.stderrFile ? ` 2> ${quote(options.stderrFile)}` : '';
  // `trap : INT`: a Ctrl-C (C-c in a pane not in raw mode) reaches the whole foreground group;
  // the shell survives it to record the status, while the program keeps the default action.
  const script = `trap : INT; read _go; env -u CI TERM=xterm-256color ${envs} ${options.argv.map(quote).join(' ')}${stderr}; echo $? > ${quote(statusFile + '.tmp')}; mv ${quote(statusFile + '.tmp')} ${quote(statusFile)}`;
  tmux('new-session', '-d', '-s', 'main', '-x', String(options.columns), '-y', String(options.rows), '-c', options.cwd ?? process.cwd(), 'sh', '-c', script);
  tmux('set-option', '-w', '-t', 'main', 'remain-on-exit', 'on');
  tmux('set-option', '-t', 'main', 'status', 'off');
  tmux('resize-window', '-t', 'main', '-x', String(options.columns), '-y', String(options.rows));
  tmux('pipe-pane', '-t', 'main', '-o', `cat >> ${quote(log)}`);
  tmux('send-keys', '-t', 'main', 'Enter');
  const capture = () => tmux('capture-pane', '-p', '-t', 'main');
  // What the program wrote so far (pipe-pane's copy): a stat, where a capture is a tmux process.
  const written = () => {
    try {
      return statSync(log).size;
    } catch {
      return -1;
    }
  };
  const waitUntil = async (ok: (screen: string) => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let seen = Number.NaN;
    let capturedAt = 0;
    for (;;) {
      // The screen changes when the program writes (tmux parses output before it copies it
      // to the pipe), so capture again only after new output, or every CAPTURE_MS for what
      // tmux changes itself (a resize, a dead pane). A capture every 50 ms cost ~13 ms of CPU
      // each, a third of a core per waiting test.
      const size = written();
      if (size !== seen || Date.now() - capturedAt >= CAPTURE_MS) {
        seen = size;
        capturedAt = Date.now();
        const screen = capture();
        if (ok(screen)) return screen;
      }
      if (Date.now() > deadline) throw new Error(`tmux: timed out waiting for ${what}; screen:\n${capture()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return {
    socket,
    output: () => {
      try {
        return readFileSync(log);
      } catch {
        return Buffer.alloc(0);
      }
    },
    capture,
    send: (bytes) => {
      const hex = [...Buffer.from(bytes, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
      tmux('send-keys', '-t', 'main', '-H', ...hex);
    },
    keys: (...names) => void tmux('send-keys', '-t', 'main', ...names),
    waitFor: (pattern, timeoutMs = 20_000) => waitUntil((s) => isMatch(s, pattern), String(pattern), timeoutMs),
    waitUntil: (ok, what, timeoutMs = 20_000) => waitUntil(ok, what, timeoutMs),
    waitGone: (pattern, timeoutMs = 20_000) => waitUntil((s) => !isMatch(s, pattern), `not ${String(pattern)}`, timeoutMs),
    resize: (columns, rows) => void tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows)),
    display: (format) => tmux('display-message', '-p', '-t', 'main', format).trim(),
    pid: () => {
      const shell = tmux('display-message', '-p', '-t', 'main', '#{pane_pid}').trim();
      return Number(execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim().split('\n')[0]);
    },
    exitCode: () => {
      try {
        // Written whole by a rename (the shell's `>` made an empty file first: read as 0).
        const text = readFileSync(statusFile, 'utf8').trim();
        return text === '' ? null : Number(text);
      } catch {
        return null;
      }
    },
    close: () => {
      if (cpuLogEnabled) countPaneCpu(tmux);
      try {
        execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
