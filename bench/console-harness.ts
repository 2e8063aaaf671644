/**
 * The console bench's harness: synthetic entries, the console mounted in a fake terminal behind
 * the batch gate as `postq` runs it, and a keyboard that times key -> frame. Shared by the
 * console, groups and merged-keys benches.
 */
import React from 'react';
import { render } from 'ink';
import type { QueueEntry } from '../src/domain/entry.js';
import { QUEUE_NAMES, type QueueName } from '../src/domain/queue.js';
import type { Thresholds } from '../src/domain/thresholds.js';
import { createConsoleStore } from '../src/store/console-store.js';
import { createReadOnlyBackend } from '../src/actions/read-only-backend.js';
import { loadTheme } from '../src/config/theme-load.js';
import { App } from '../src/ui/app.js';
import { consoleRenderOptions } from '../src/ui/render-console.js';
import { keySequence } from '../src/ui/keymap.js';
import { createBatchGate, sliceInto, type BatchGate } from '../src/ui/batch-gate.js';
import { createFakeTerminal, type FakeTerminal } from '../test/helpers/fake-terminal.js';

const NOW = 1_800_000_000;
const DOMAINS = ['gmail.com', 'outlook.com', 'example.org', 'shop.example', 'lists.example.net', 'yahoo.co.jp'];
const REASONS = ['connect to mx.example[192.0.2.1]:25: Connection timed out', 'host mx said: 450 4.7.1 greylisted, try again later', 'connect to x: Connection refused', '550 5.1.1 user unknown'];

export function syntheticEntries(n: number): QueueEntry[] {
  const out: QueueEntry[] = [];
  for (let i = 0; i < n; i++) {
    const r = i % 100;
    const queueName: QueueName = r < 80 ? 'deferred' : r < 85 ? 'active' : r < 90 ? 'incoming' : r < 95 ? 'hold' : r < 98 ? 'maildrop' : 'corrupt';
    const id = (0x100000000 + i * 7919).toString(16).toUpperCase().slice(-11).padStart(11, '0');
    const rcpts = 1 + (i % 3);
    out.push({
      queueName, queueId: id, path: `${queueName}/${id}`, arrivalTime: NOW - ((i * 37) % 864_000), messageSize: 1000 + (i % 50_000),
      forcedExpire: false, sender: `user${i % 997}@${DOMAINS[i % DOMAINS.length]}`,
      recipients: Array.from({ length: rcpts }, (_, k) => ({ address: `rcpt${(i + k) % 5003}@${DOMAINS[(i + k + 1) % DOMAINS.length]}`, delayReason: queueName === 'deferred' ? REASONS[i % REASONS.length]! : '' })),
      listed: queueName !== 'corrupt', state: queueName === 'corrupt' ? 'corrupt' : 'ok', diagnostics: [], mtime: NOW + 600, fileSize: 2000, mode: 0o700, subject: `Invoice ${i}`,
    });
  }
  return out;
}

export interface Mounted {
  term: FakeTerminal;
  store: ReturnType<typeof createConsoleStore>;
  /** Watcher batches go through the same gate as in `postq` (keys before data). */
  gate: BatchGate;
  unmount(): void;
}

/** Levels every queue and the total reach at some point of the bench (so each segment is painted). */
export const THRESHOLDS: Thresholds = Object.fromEntries([...QUEUE_NAMES, 'total'].map((q) => [q, { count: { warning: 1000, critical: 50_000 }, age: { warning: 3600, critical: 86_400 } }]));

export function mount(entries: QueueEntry[], thresholds?: Thresholds, columns = 80): Mounted {
  const store = createConsoleStore({ backend: createReadOnlyBackend(), now: () => NOW * 1000, ...(thresholds ? { thresholds } : {}) });
  store.getState().applySpoolBatch({ upserts: entries, removals: [], full: true, firstEventAt: null });
  store.getState().setWatcherStatus({ mode: 'live' });
  // As in src/cli/console-command.ts: the gate with its defaults, in front of the store.
  const gate = createBatchGate((batch) => store.getState().applySpoolBatch(batch), { prepare: sliceInto(store) });
  const { term, unmount } = renderOn(store, gate.noteKey, columns);
  return { term, store, gate, unmount: () => (gate.stop(), unmount()) };
}

/** The App on a store of the caller's (the fleet bench's), in a fake terminal, as `postq` renders it. */
export function renderOn(store: ReturnType<typeof createConsoleStore>, onKey: () => void, columns = 80): { term: FakeTerminal; unmount(): void } {
  const term = createFakeTerminal(columns, 24);
  const instance = render(
    React.createElement(App, {
      store, onKey, theme: loadTheme({ name: 'default', env: { HOME: '/nonexistent' } }), host: 'bench', spool: '/var/spool/postfix',
      loadMessage: () => ({ queueId: '', title: '', view: 'postcat' as const, lines: [], problem: null }), supports: () => false, tickMs: 0,
    }),
    consoleRenderOptions({ stdout: term.stdout as unknown as NodeJS.WriteStream, stdin: term.stdin as unknown as NodeJS.ReadStream, stderr: term.stderr as unknown as NodeJS.WriteStream }),
  );
  return { term, unmount: () => instance.unmount() };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const isFrame = (chunk: string) => chunk.replace(/\x1b\[\?2026[hl]/g, '') !== '';

/** Write a key; resolve with ms until the next frame write and the bytes of that frame. */
async function press(term: FakeTerminal, key: string): Promise<{ latency: number; bytes: number; cpu: number } | null> {
  const from = term.stdout.chunks.length;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  term.stdin.write(keySequence(key));
  const deadline = t0 + 2000;
  while (performance.now() < deadline) {
    for (let i = from; i < term.stdout.chunks.length; i++) {
      if (isFrame(term.stdout.chunks[i]!)) {
        await new Promise((r) => setImmediate(r)); // let the closing sync marker land
        const bytes = term.stdout.chunks.slice(from).reduce((n, c) => n + Buffer.byteLength(c), 0);
        const cpu = process.cpuUsage(cpu0);
        return { latency: term.stdout.times[i]! - t0, bytes, cpu: (cpu.user + cpu.system) / 1000 };
      }
    }
    await new Promise((r) => setImmediate(r));
  }
  return null;
}

/** Keyboard auto-repeat is about 30 keys/s; a human typing is slower. Independent of maxFps. */
export const KEY_PERIOD_MS = 33;

/** Presses keys at most every KEY_PERIOD_MS (the next one right after a slower frame). */
export function keyboard(term: FakeTerminal) {
  let next = 0;
  return async (key: string) => {
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    next = performance.now() + KEY_PERIOD_MS;
    return press(term, key);
  };
}
