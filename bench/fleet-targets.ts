/**
 * The fleet bench's targets (from bench/fleet-bench.ts): TARGETS make-bigspool spools of PER
 * messages under WORKDIR/fleet/tN (made once, reused), reached as the row asks:
 *
 *   ssh (the default as root with /usr/sbin/sshd): a real OpenSSH server on a loopback port,
 *     with its own host key and an authorized key (the tests' helper, test/helpers/sshd.ts),
 *     one alias per target (`mx0` ... `mx9`), each running `postq serve --stdio -c` that
 *     target's config directory, as the fleet console runs it over `ssh -F`;
 *   local (BENCH_FLEET_VIA=local, or without root or sshd): `local:CONFIG_DIR` targets, the
 *     serve a child of this process, as `-c DIR` instances are.
 *
 * close() stops the sshd and removes its keys; nothing is left running.
 *
 * remoteCpuMs() is the CPU the targets' serve processes (and ssh, sshd) used so far, from
 * /proc, read while they still run: on one machine the serves and the console share the
 * cores, so the fill is compared with the CPU all of them needed, too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTarget, type SpawnContext, type Target } from '../src/remote/target.js';
import { startSshd, type TestSshd } from '../test/helpers/sshd.js';
import { ensureSpool, type BenchSpool } from './make-spool.js';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface FleetTarget {
  target: Target;
  serveArgs: string[];
  spool: BenchSpool;
}

export interface BenchFleet {
  via: 'ssh' | 'local';
  targets: FleetTarget[];
  context: SpawnContext;
  /** The bench sshd's pid (ssh), else null. */
  sshdPid(): number | null;
  close(): void;
}

function wantSsh(): boolean {
  const via = process.env.BENCH_FLEET_VIA;
  if (via === 'local') return false;
  const can = process.getuid?.() === 0 && existsSync('/usr/sbin/sshd');
  if (via === 'ssh' && !can) throw new Error('BENCH_FLEET_VIA=ssh: the bench sshd needs root and /usr/sbin/sshd');
  return can;
}

export async function openFleet(workDir: string, count: number, per: number, log: (s: string) => void): Promise<BenchFleet> {
  const spools = Array.from({ length: count }, (_, i) => ensureSpool(join(workDir, 'fleet', `t${i}`), per, log));
  const self = [process.execPath, CLI];
  const remotePostq = `${process.execPath} ${CLI}`;
  if (!spools.every((s) => s.configDir) || !wantSsh()) {
    // Without Postfix's config directories (the corpus generator's spools): exec targets with --spool.
    const targets = spools.map((spool, i) => ({
      target: spool.configDir ? parseTarget(`local:${spool.configDir}`) : parseTarget(`exec:env POSTQ_BENCH_TARGET=${i}`),
      serveArgs: spool.configDir ? ['--read-only'] : ['--spool', spool.spool, '--read-only'],
      spool,
    }));
    return { via: 'local', targets, context: { ssh: ['ssh'], self, remotePostq }, sshdPid: () => null, close() {} };
  }
  const names = spools.map((_, i) => `mx${i}`);
  const sshd: TestSshd = await startSshd(names.map((name) => ({ name })));
  log(`fleet: sshd on 127.0.0.1:${sshd.port} (${count} aliases)`);
  return {
    via: 'ssh',
    targets: spools.map((spool, i) => ({ target: parseTarget(names[i]!), serveArgs: ['-c', spool.configDir!, '--read-only'], spool })),
    context: { ssh: ['ssh', '-F', sshd.configFile], self, remotePostq },
    sshdPid: () => Number(readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8').trim()) || null,
    close: () => sshd.stop(),
  };
}

interface Proc {
  ppid: number;
  cmd: string[];
  cpuMs: number;
}

function processes(): Map<number, Proc> {
  const tick = 100; // USER_HZ on Linux
  const out = new Map<number, Proc>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(Number(pid), { ppid: Number(fields[1]), cmd, cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / tick });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/**
 * CPU (user + system, ms) the running serve processes of this fleet used, and its transport's
 * (the ssh clients and the sshd's session processes, apart from the serves; the ssh clients'
 * share apart too): read before the links stop.
 */
export function remoteCpuMs(fleet: BenchFleet): { serves: number; transport: number; sshClients: number } {
  const marks = fleet.targets.map((t) => t.spool.configDir ?? t.spool.spool);
  const procs = processes();
  const isServe = (p: Proc) => p.cmd.includes('serve') && p.cmd.includes('--stdio') && marks.some((m) => p.cmd.includes(m));
  const sshdPid = fleet.sshdPid();
  const underSshd = (pid: number): boolean => {
    for (let p = procs.get(pid), hops = 0; p && hops < 10; p = procs.get(p.ppid), hops++) if (p.ppid === sshdPid) return true;
    return false;
  };
  let serves = 0;
  let transport = 0;
  let sshClients = 0;
  const isSshClient = (p: Proc) => p.cmd[0] === 'ssh' && fleet.context.ssh.every((w) => p.cmd.includes(w));
  for (const [pid, p] of procs) {
    if (isServe(p)) serves += p.cpuMs;
    else if (sshdPid !== null && (underSshd(pid) || isSshClient(p))) {
      transport += p.cpuMs;
      if (isSshClient(p)) sshClients += p.cpuMs;
    }
  }
  return { serves, transport, sshClients };
}
