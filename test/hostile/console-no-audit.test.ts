/**
 * `--no-audit` in the console means what it means for the action commands: with an audit log
 * that cannot be written, the console's actions are refused (the reason names the log and the
 * flag) unless the console was started with --no-audit; then it acts, writes no log, and the
 * header says `[audit off]` the whole time.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/cli/choose-backend.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { pressSequence } from '../../src/ui/keymap.js';
import { REPO_ROOT } from '../helpers/corpus.js';
import { CLI_PATH, ensureBuilt } from '../helpers/postq-cli.js';
import { startTmux, type TmuxPane } from '../helpers/tmux.js';
import { whereAll } from '../actions/backend-contract.js';
import { hostileSpool, type HostileSpool } from './hostile-spool.js';
import { waitForCondition } from '../helpers/fake-terminal.js';
import { mountConsole, type Harness } from '../ui/harness.js';

let spool: HostileSpool | undefined;
let pane: TmuxPane | undefined;
let h: Harness | undefined;
beforeAll(ensureBuilt);
afterEach(() => {
  pane?.close();
  h?.unmount();
  h = undefined;
  spool?.cleanupAll();
});

const ID = '749A822C202';
/** An audit log path that cannot be created (its directory is a file). */
function unusableLog(s: HostileSpool): string {
  writeFileSync(join(s.outside, 'file'), '');
  return join(s.outside, 'file', 'audit.log');
}

describe('the console with --no-audit', { timeout: 60_000 }, () => {
  it("the console's backend refuses without a usable audit log, and acts with audit off", async () => {
    spool = hostileSpool();
    const log = unusableLog(spool);
    const config = resolveSpoolConfig({ spool: spool.spool });
    const saved = process.env.POSTQ_AUDIT_LOG;
    process.env.POSTQ_AUDIT_LOG = log;
    try {
      const refused = await chooseBackend('direct', config).run('hold', [{ queueId: ID, queueName: 'deferred' }]);
      expect(refused.outcomes[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining(`audit log ${log}: cannot create`) });
      expect(refused.error).toContain('--no-audit');
      expect(whereAll(config).get(ID)).toEqual(['deferred']);
      const done = await chooseBackend('direct', config, { audit: false }).run('hold', [{ queueId: ID, queueName: 'deferred' }]);
      expect(done.outcomes[0]).toMatchObject({ status: 'done' });
      expect(whereAll(config).get(ID)).toEqual(['hold']);
    } finally {
      if (saved === undefined) delete process.env.POSTQ_AUDIT_LOG;
      else process.env.POSTQ_AUDIT_LOG = saved;
    }
  });

  it('without --no-audit, a hold in the console with an unusable log is refused, and says why', async () => {
    spool = hostileSpool();
    const log = unusableLog(spool);
    const config = resolveSpoolConfig({ spool: spool.spool });
    const saved = process.env.POSTQ_AUDIT_LOG;
    process.env.POSTQ_AUDIT_LOG = log;
    try {
      h = await mountConsole(spool.spool, { columns: 160, rows: 24, backend: chooseBackend('direct', config) });
      h.store.getState().setCursorId(ID);
      await h.press('queue.hold');
      await h.press('confirm.yes');
      // Not "held 1 of 1" (what it said before the audit log was required): the reason, and the way out.
      await waitForCondition(() => h!.screen().includes(`audit log ${log}: cannot create`), 'the refusal on screen');
      expect(h.screen()).toContain(`held 0 of 1; 1 failed: audit log ${log}`);
      // The flash line is cut to the width; the whole text names the way out.
      expect(h.store.getState().flash?.text).toContain('--no-audit acts without an audit log');
      expect(whereAll(config).get(ID)).toEqual(['deferred']);
    } finally {
      if (saved === undefined) delete process.env.POSTQ_AUDIT_LOG;
      else process.env.POSTQ_AUDIT_LOG = saved;
    }
  });

  it('postq --no-audit: the header says [audit off], a hold is done, no log is written', async () => {
    spool = hostileSpool();
    const log = join(spool.outside, 'audit.log');
    pane = startTmux({
      columns: 120, rows: 24, cwd: REPO_ROOT,
      argv: ['node', CLI_PATH, '--spool', spool.spool, '--backend', 'direct', '--no-audit'],
      env: { TZ: 'UTC', POSTQ_AUDIT_LOG: log },
    });
    const screen = await pane.waitFor('● live');
    expect(screen.split('\n')[0]).toMatch(/● live.*\[audit off\]/);
    pane.send(pressSequence('view.filter'));
    pane.send(`id:${ID}`);
    pane.send(pressSequence('filter.apply'));
    await pane.waitFor(`> ${ID}`); // the cursor on its row (the index may still be filling in)
    pane.send(pressSequence('queue.hold'));
    await pane.waitFor('Hold 1 message');
    pane.send(pressSequence('confirm.yes'));
    await pane.waitFor('held 1 of 1');
    expect(whereAll(resolveSpoolConfig({ spool: spool.spool })).get(ID)).toEqual(['hold']);
    expect(existsSync(log)).toBe(false);
    expect(pane.capture().split('\n')[0]).toContain('[audit off]');
  });
});
