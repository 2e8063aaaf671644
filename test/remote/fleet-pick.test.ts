/**
 * The fleet console as a picker, and a target's own read-only reason, in tmux: two `exec:`
 * targets (each a corpus copy; `env -C DIR` puts the remote postq there, `--spool spool` is
 * that copy, and a spool without -c is read-only on its own). `--pick | cat > FILE`: the
 * overview and the consoles draw on the terminal; a mark in a target opened alone and one in
 * the merged view (narrowed with host:) come out on q as `ID<TAB>TARGET` lines, sorted. The
 * target's console shows the remote's own reason for being read-only (`--spool without -c`),
 * not the text of a --read-only this console was never given.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pressSequence } from '../../src/ui/keymap.js';
import { copyCorpusSpool, REPO_ROOT, type CorpusCopy } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux } from '../helpers/tmux.js';

const REMOTE_POSTQ = `${process.execPath} ${CLI_PATH}`;
let a: CorpusCopy;
let b: CorpusCopy;
beforeAll(async () => {
  await ensureBuilt();
  a = copyCorpusSpool('basic');
  b = copyCorpusSpool('basic');
});
afterAll(() => {
  a?.cleanup();
  b?.cleanup();
});

/** The id cells of list rows (after the 2-cell gutter), top to bottom. */
const rowIds = (screen: string) => [...screen.matchAll(/^[> ][* ]([0-9A-F]{10,})/gm)].map((m) => m[1]!);

describe('the fleet console with --pick', { timeout: 90_000 }, () => {
  it('prints the ids marked in a target and in the merged view, each with its target; a target shows its own read-only reason', async () => {
    const labelA = `exec:env -C ${dirname(a.spool)} PQ_SIDE=alpha`;
    const labelB = `exec:env -C ${dirname(b.spool)} PQ_SIDE=beta`;
    const dir = mkdtempSync(join(tmpdir(), 'postq-fleet-pick-'));
    const out = join(dir, 'picked');
    const q = (s: string) => `'${s}'`;
    const script = `node ${q(CLI_PATH)} --host ${q(labelA)} --host ${q(labelB)} --spool spool --remote-postq ${q(REMOTE_POSTQ)} --pick | cat > ${q(out)}`;
    const pane = startTmux({ columns: 160, rows: 24, argv: ['sh', '-c', script], cwd: REPO_ROOT, env: { TZ: 'UTC' } });
    try {
      await pane.waitUntil((s) => (s.match(/^\S*\s*live\s+exec:/gm) ?? []).length === 2, 'both targets live', 60_000);
      pane.keys('Enter');
      const ready = (s: string) => /● live/.test(s) && /^> \w/m.test(s) && !/indexing|reading/.test(s);
      let screen = await pane.waitUntil((s) => ready(s) && s.includes('no Postfix configuration manages'), "alpha's console, read-only for its own reason", 30_000);
      expect(screen).not.toContain('started with --read-only');
      const pickedA = rowIds(screen)[0]!;
      pane.send(pressSequence('mark.toggle'));
      await pane.waitFor('marked 1');
      pane.send(pressSequence('app.quit'));
      await pane.waitFor('postq fleet · 2 targets');
      pane.send('0');
      await pane.waitUntil(ready, 'the merged view', 30_000);
      pane.send(pressSequence('view.filter') + 'host:beta' + pressSequence('filter.apply'));
      screen = await pane.waitUntil((s) => s.includes('host:beta') && ready(s), 'only beta rows');
      const pickedB = rowIds(screen)[0]!;
      pane.send(pressSequence('mark.toggle'));
      await pane.waitFor('marked 1');
      pane.send(pressSequence('app.quit'));
      await pane.waitFor('postq fleet · 2 targets');
      pane.send('q');
      await pane.waitUntil(() => pane.exitCode() !== null, 'exit');
      expect(pane.exitCode()).toBe(0);
      const lines = [`${pickedA}\t${labelA}`, `${pickedB}\t${labelB}`].sort((x, y) => (x.split('\t')[1]! < y.split('\t')[1]! ? -1 : 1));
      expect(readFileSync(out, 'utf8')).toBe(lines.map((l) => `${l}\n`).join(''));
    } finally {
      pane.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
