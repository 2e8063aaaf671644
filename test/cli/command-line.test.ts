/**
 * The command line as a new user meets it: -h and --help, --version, each command's --help
 * with its options one a line and the exit codes, cat with several ids (as postcat -q), and a
 * listing or a dry run piped into a reader that stops early ends quietly (no EPIPE trace).
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCorpusSpool, REPO_ROOT } from '../helpers/corpus.js';
import { postqInProcess } from '../helpers/postq-in-process.js';
import { readyIds } from '../actions/spool-fixtures.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const copy = copyCorpusSpool('basic');
beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
});
afterAll(() => copy.cleanup());

// maxBuffer: the corpus holds a 3 MB message, which spawnSync's 1 MB default would cut (the child killed).
const run = (args: string[]) => spawnSync('node', [CLI, ...args], { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 2 ** 20 });
/** runMain in process (postq-in-process.ts): the output checks; `run` keeps a spawn per kind. */
const here = (args: string[]) => postqInProcess(args);

describe('help and version', () => {
  it('-h, --help and help print the overview with the exit codes, exit 0', async () => {
    for (const flag of ['-h', '--help', 'help']) {
      const r = flag === '-h' ? run([flag]) : await here([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^usage:\n  postq \[--spool DIR/);
      expect(r.stdout).toContain('exit codes:\n  0  ok\n  1  ');
      expect(r.stdout).toContain('  3  the spool or the Postfix configuration is not readable');
    }
  });

  it('--version prints the version package.json gives', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`postq ${pkg.version}\n`);
  });

  it("each command's --help lists its options, one a line, and the exit codes", async () => {
    const pages: Array<[string[], string[]]> = [
      [['list', '--help'], ['--json', '--all', '--queue', '--filter', '--spool', '-c, --config']],
      [['list', '-h'], ['--json']],
      [['cat', '--help'], ['-e, --envelope', '-h, --headers', '-b, --body']],
      [['hold', '--help'], ['--queue', '--filter', '--dry-run', '--yes', '--backend']],
      [['stats', '-h'], ['--json', '--prometheus', '--watch', '--output']],
      [['--demo', '--help'], ['--rate', '--messages', '--seed']],
      [['--spool', copy.spool, '--help'], ['--backend', '--read-only', '--theme', '--no-alt-screen']],
    ];
    for (const [args, options] of pages) {
      const r = await here(args);
      expect(r.status, args.join(' ')).toBe(0);
      const lines = r.stdout.split('\n');
      const start = lines.indexOf('options:');
      expect(start, args.join(' ')).toBeGreaterThan(0);
      const optionLines = lines.slice(start + 1, lines.indexOf('', start));
      for (const option of options) expect(optionLines.filter((l) => l.startsWith(`  ${option} `)), `${args.join(' ')}: ${option}`).toHaveLength(1);
      expect(r.stdout).toContain('exit codes:');
    }
  });
});

describe('the spool option before the command', () => {
  it('`postq --spool DIR list` lists as `postq list --spool DIR` does (was: the usage text, exit 2)', async () => {
    const after = await here(['list', '--spool', copy.spool]);
    const before = await here(['--spool', copy.spool, 'list']);
    expect(after.status).toBe(0);
    expect(after.stdout).toMatch(/^-Queue ID-/);
    expect(before).toEqual(after);
  });
});

describe('cat with several ids', () => {
  it('prints each in turn, as postcat -q does; one unreadable makes it exit 1', async () => {
    const config = resolveSpoolConfig({ spool: copy.spool });
    const [a, b] = readyIds(config, 'deferred');
    const one = await here(['cat', '--spool', copy.spool, a!]);
    const two = await here(['cat', '--spool', copy.spool, b!]);
    const both = run(['cat', '--spool', copy.spool, a!, b!]);
    expect(both.status).toBe(0);
    expect(both.stdout).toBe(one.stdout + two.stdout);
    const withMissing = await here(['cat', '--spool', copy.spool, a!, 'ABCDEF01234']);
    expect(withMissing.status).toBe(1);
    expect(withMissing.stdout).toBe(one.stdout);
  });
});

describe('a reader that stops early', () => {
  it('list and a dry run into a closed pipe end quietly, exit 0', () => {
    for (const cmd of [`list --spool ${copy.spool}`, `list --json --all --spool ${copy.spool}`, `hold --queue deferred --backend direct --spool ${copy.spool}`]) {
      // `true` reads nothing and exits at once: every write postq makes meets a closed pipe.
      const r = spawnSync('sh', ['-c', `node ${CLI} ${cmd} | true; echo "status \${PIPESTATUS:-}"`], { encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr, cmd).toBe('');
    }
    const r = spawnSync('bash', ['-c', `node ${CLI} list --spool ${copy.spool} | true; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0\n');
  });
});
