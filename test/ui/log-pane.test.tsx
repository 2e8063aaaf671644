/**
 * The message pane's Log section (`l`), on the corpus spool and its real Postfix log: the
 * trail shows oldest first with local times and ages, the source it was read from, the smtpd
 * session; a linked id opens its own trail with one key; lines written while the pane is open
 * appear (the live tail); hostile log text reaches the terminal inert; closing the pane
 * cancels the search and the tail; without a readable log the section says so.
 */
import { appendFileSync, closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, utimesSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyCorpusSpool, type CorpusCopy } from '../helpers/corpus.js';
import { waitForScreen } from '../helpers/fake-terminal.js';
import { createLogTrails, type LogTrails } from '../../src/logs/trail-service.js';
import { CORPUS_LOG } from '../logs/fixtures.js';
import { mountConsole, type Harness } from './harness.js';

let corpus: CorpusCopy;
let dir: string;
let log: string;
let h: Harness | null = null;
beforeEach(() => {
  corpus = copyCorpusSpool('basic');
  dir = mkdtempSync(join(tmpdir(), 'postq-log-pane-'));
  log = join(dir, 'maillog');
  copyFileSync(CORPUS_LOG, log);
  utimesSync(log, new Date(2026, 10, 28, 20, 0, 0), new Date(2026, 10, 28, 20, 0, 0));
});
afterEach(() => {
  h?.unmount();
  h = null;
  corpus?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function openPane(id: string, logTrails?: LogTrails): Promise<Harness> {
  h = await mountConsole(corpus.spool, { columns: 160, rows: 40, now: new Date(2026, 10, 28, 20, 0, 0).getTime(), ...(logTrails ? { logTrails } : {}) });
  h.store.getState().setCursorId(id);
  await h.press('pane.open');
  await waitForScreen(h.term, `${id}  `);
  return h;
}

describe('the Log section of the message pane', () => {
  it('shows the trail with local times and ages, its source, and the smtpd session', async () => {
    const harness = await openPane('C8B6722C213', createLogTrails({ configDir: null, logs: [log] }));
    await harness.press('pane.log');
    const screen = await waitForScreen(harness.term, 'following the log');
    expect(screen).toContain(`*** LOG: log: ${log} [given with --log] ***`);
    expect(screen).toContain('*** C8B6722C213: from=<jürgen@bücher.example> size=801 nrcpt=2');
    expect(screen).toContain('2026-11-28 19:43:12 (16m ago) session   postfix-corpus/smtpd[15802]: connect from localhost[127.0.0.1]');
    expect(screen).toMatch(/session +postfix-corpus\/smtpd\[15802\]: C8B6722C213: client=localhost/);
    expect(screen).toMatch(/cleanup +postfix-corpus\/cleanup\[15778\]: C8B6722C213: message-id=/);
    const lines = screen.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at(': connect from')).toBeLessThan(at('cleanup   '));
    expect(at('cleanup   ')).toBeLessThan(at(': disconnect from'));
  });

  it("opens a linked id's trail with one key", async () => {
    const harness = await openPane('C283E22C211', createLogTrails({ configDir: null, logs: [log] }));
    await harness.press('pane.log');
    await waitForScreen(harness.term, '[1] open the trail of AE32C22C20E');
    expect(harness.screen()).toContain('AE32C22C20E notification (bounce, delay or success notice) sent as C283E22C211');
    await harness.type('1');
    const screen = await waitForScreen(harness.term, /AE32C22C20E  log trail[^]*following the log/);
    expect(screen).toMatch(/pickup +postfix-corpus\/pickup\[15770\]: AE32C22C20E: uid=0 from=<judy@remote\.example>/);
  });

  it('appends lines written while it is open, sanitized', async () => {
    const harness = await openPane('C8B6722C213', createLogTrails({ configDir: null, logs: [log] }));
    await harness.press('pane.log');
    await waitForScreen(harness.term, 'following the log');
    appendFileSync(log, 'Nov 28 19:59:00 mx postfix-corpus/smtp[1]: C8B6722C213: to=<x@y>, status=deferred (\u001b]0;owned\u0007\u202eevil)\n');
    const screen = await waitForScreen(harness.term, 'status=deferred (^[]0;owned^G<U+202E>evil)', 10_000);
    expect(screen).toContain('2026-11-28 19:59:00 (1m ago) delivery');
    expect(harness.term.stdout.chunks.join('')).not.toContain('\u001b]0;owned');
    expect(harness.term.stdout.chunks.join('')).not.toContain('\u202e');
  });

  it('cancels the search and the tail when the pane closes', async () => {
    let cancelled = 0;
    const real = createLogTrails({ configDir: null, logs: [log] });
    const counting: LogTrails = {
      open(id, onUpdate) {
        const cancel = real.open(id, onUpdate);
        return () => {
          cancelled++;
          cancel();
        };
      },
    };
    const harness = await openPane('C8B6722C213', counting);
    await harness.press('pane.log');
    await waitForScreen(harness.term, 'following the log');
    await harness.press('pane.close');
    expect(cancelled).toBe(1);
    expect(harness.ui.getState().log).toBeNull();
  });

  it('says plainly when no log can be read, never an empty trail', async () => {
    const harness = await openPane('C8B6722C213', createLogTrails({ configDir: null, logs: [join(dir, 'missing.log')] }));
    await harness.press('pane.log');
    const screen = await waitForScreen(harness.term, 'no log could be read');
    expect(screen).toContain(`cannot read ${join(dir, 'missing.log')}: no such file`);
  });

  it('shows its progress while a large log is searched', async () => {
    const big = join(dir, 'big.log');
    // Other mail first (24 MiB of the corpus log without this message), then its own lines.
    const other = Buffer.from(readFileSync(CORPUS_LOG, 'utf8').split('\n').filter((l) => l !== '' && !l.includes('C8B6722C213') && !l.includes('smtpd[15802]')).join('\n') + '\n');
    const fd = openSync(big, 'w');
    for (let written = 0; written < 24 * 2 ** 20; written += other.length) writeSync(fd, other);
    writeSync(fd, readFileSync(CORPUS_LOG));
    closeSync(fd);
    const harness = await openPane('C8B6722C213', createLogTrails({ configDir: null, logs: [big], progressMs: 0 }));
    await harness.press('pane.log');
    await waitForScreen(harness.term, 'following the log', 20_000);
    expect(harness.term.stdout.chunks.join('')).toMatch(/searching the log \(\d+(\.\d)?M of 2\dM\)/);
  });

  it('F (deliver now) in the pane opens the Log section and asks for the delivery', async () => {
    const harness = await openPane('C8B6722C213', createLogTrails({ configDir: null, logs: [log] }));
    await harness.press('pane.deliver');
    await waitForScreen(harness.term, 'read-only mode');
    expect(harness.ui.getState().log?.queueId).toBe('C8B6722C213');
  });
});
