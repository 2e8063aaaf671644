/**
 * CPU per data frame of the real App (`node --import tsx bench/frame-cost.ts [--ink-as-shipped]`):
 * 2,000 synthetic messages on a fake 100x30 terminal, the render options `postq` uses, and N
 * (default 200) small batches of 8 deferred <-> hold moves, each given time for its frame: what
 * a console pays per frame on a busy server (npm run soak). By default Ink's output is patched
 * as in `postq` (src/ui/ink-output-cache.ts: caches shared across frames, rows composed once,
 * ink-output-rows.ts); --ink-as-shipped leaves Ink as it ships, for the comparison. Prints one
 * line.
 */
import { writeSync } from 'node:fs';

// As src/cli.ts: React's production build, chosen before React loads (hence the imports below).
process.env['NODE_ENV'] ??= 'production';
const React = (await import('react')).default;
const { render } = await import('ink');
const { createConsoleStore } = await import('../src/store/console-store.js');
const { createReadOnlyBackend } = await import('../src/actions/read-only-backend.js');
const { loadTheme } = await import('../src/config/theme-load.js');
const { App } = await import('../src/ui/app.js');
const { consoleRenderOptions } = await import('../src/ui/render-console.js');
const { shareInkOutputCaches } = await import('../src/ui/ink-output-cache.js');
const { createFakeTerminal } = await import('../test/helpers/fake-terminal.js');
const { syntheticEntries } = await import('./console-harness.js');
const shipped = process.argv.includes('--ink-as-shipped');
const batches = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200);
const shared = shipped ? false : await shareInkOutputCaches();
const NOW = 1_800_000_000;
const entries = syntheticEntries(2000);
const store = createConsoleStore({ backend: createReadOnlyBackend(), now: () => NOW * 1000 });
store.getState().applySpoolBatch({ upserts: entries, removals: [], full: true, firstEventAt: null });
store.getState().setWatcherStatus({ mode: 'live' });
const term = createFakeTerminal(100, 30);
const app = React.createElement(App, {
  store, onKey: () => {}, theme: loadTheme({ name: 'default', env: { HOME: '/nonexistent' } }), host: 'bench', spool: '/var/spool/postfix',
  loadMessage: () => ({ queueId: '', title: '', view: 'postcat' as const, lines: [], problem: null }), supports: () => false, tickMs: 0,
});
const instance = render(app, consoleRenderOptions({ stdout: term.stdout as unknown as NodeJS.WriteStream, stdin: term.stdin as unknown as NodeJS.ReadStream, stderr: term.stderr as unknown as NodeJS.WriteStream }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deferred = entries.filter((e) => e.queueName === 'deferred');
const move = (i: number) => {
  const k = (i * 8) % (deferred.length - 8);
  const queueName = i % 2 ? ('deferred' as const) : ('hold' as const);
  store.getState().applySpoolBatch({ upserts: deferred.slice(k, k + 8).map((e) => ({ ...e, queueName })), removals: [], full: false, firstEventAt: null });
};
// Warm up (JIT, caches), then measure.
for (let i = 0; i < 30; i++) (move(i), await sleep(10));
const cpu0 = process.cpuUsage();
const writes0 = term.stdout.chunks.length;
for (let i = 0; i < batches; i++) (move(i), await sleep(6));
const cpu = process.cpuUsage(cpu0);
instance.unmount();
writeSync(2, `Ink output ${shared ? 'patched as in postq (caches shared, rows composed once)' : 'as shipped'}: ${((cpu.user + cpu.system) / 1000 / batches).toFixed(2)} ms CPU per batch + frame (${batches} batches, ${term.stdout.chunks.length - writes0} writes)\n`);
process.exit(0);
