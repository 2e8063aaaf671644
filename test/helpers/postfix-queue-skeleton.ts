/**
 * The empty queue directory of a private test instance (postfix-instance.ts), made by Postfix
 * once per test run and copied for each instance, which then starts with Postfix's quick start.
 *
 * Why: `postfix start` first runs postfix-script's check-fatal (post-install create-missing,
 * which walks postfix-files in shell, then postsuper over the queue) and check-warn (a dozen
 * finds over the queue and config): ~0.8 s of CPU and 1-2 s of wall per start, about twenty
 * starts a run, all on a queue just made and still empty. postfix-script skips both when
 * queue_directory/quick-start exists (the file post-install leaves for the next start), and
 * starts the master at once. The directories are still Postfix's own: create-missing makes them
 * here, with the owners, groups and modes postfix-files gives (maildrop postfix:postdrop 1730,
 * public 2710, the queues postfix 700, pid root 755), on a main.cf of the same shape as the
 * instances', and `cp -a` keeps all of that.
 *
 * Where: test/setup/postfix-skeleton.ts reserves a directory for the run (POSTQ_POSTFIX_SKELETON)
 * and removes it at the end; the first worker that needs the skeleton makes it there (a rename
 * settles a race between workers). Without the variable (the helper used outside vitest) the
 * process makes its own and removes it on exit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mainCf, MASTER_CF, writePostfixConfig } from './postfix-config.js';
import { removeOnExit } from './remove-on-exit.js';

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.error?.message ?? ''}`);
}

/** A directory for the skeleton under `base`, owned by this process (the reaper removes it once the process is gone). */
export function reserveSkeletonDir(base: string): string {
  mkdirSync(base, { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(base, 'skeleton-'));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  return dir;
}

let own: string | null = null;

/** The skeleton's queue directory, made on first use. */
function skeletonSpool(base: string): string {
  let dir = process.env['POSTQ_POSTFIX_SKELETON'];
  if (!dir || !existsSync(dir)) {
    if (!own) {
      own = reserveSkeletonDir(base);
      removeOnExit(own);
    }
    dir = own;
  }
  const spool = join(dir, 'spool');
  if (existsSync(join(spool, 'maildrop'))) return spool;
  const build = mkdtempSync(join(dir, 'build-'));
  try {
    for (const sub of ['etc', 'spool', 'data']) mkdirSync(join(build, sub), { mode: 0o755 });
    // No maillog_file: nothing runs here, and create-missing needs no log.
    writePostfixConfig(join(build, 'etc', 'main.cf'), mainCf(build, 9, 'skeleton', {}).replace(/^maillog_file.*\n/gm, ''));
    writePostfixConfig(join(build, 'etc', 'master.cf'), MASTER_CF);
    run('postfix', ['-c', join(build, 'etc'), 'post-install', 'create-missing']);
    if (!existsSync(join(build, 'spool', 'maildrop'))) throw new Error(`postfix post-install create-missing made no queue directories in ${build}`);
    try {
      renameSync(join(build, 'spool'), spool);
    } catch (error) {
      // Another worker made it first (ENOTEMPTY/EEXIST): theirs is as good.
      if (!existsSync(join(spool, 'maildrop'))) throw error;
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return spool;
}

/** Fill the empty `queueDirectory` with Postfix's queue directories and mark it for a quick start. */
export function prepareQueueDirectory(base: string, queueDirectory: string): void {
  run('cp', ['-a', `${skeletonSpool(base)}/.`, queueDirectory]);
  markQuickStart(queueDirectory);
}

/** The next `postfix start` skips the integrity checks (postfix-script removes the file). */
export function markQuickStart(queueDirectory: string): void {
  writeFileSync(join(queueDirectory, 'quick-start'), '');
}
