import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseTarget, remoteScript, shellQuote, spawnSpec } from '../../src/remote/target.js';
import { isFleetInvocation, splitFleetArgs } from '../../src/cli/fleet-args.js';
import { parseContexts } from '../../src/config/contexts.js';
import { withHost } from '../../src/cli/remote-run.js';
import { UsageError } from '../../src/domain/errors.js';

const context = { ssh: ['ssh', '-F', '/tmp/cfg'], self: ['/usr/bin/node', '/opt/postq/cli.js'], remotePostq: null };

describe('fleet targets', () => {
  it('parses ssh, exec and local targets and refuses what would become an ssh option', () => {
    expect(parseTarget('root@mx2.example:2222')).toEqual({ kind: 'ssh', label: 'root@mx2.example:2222', address: 'root@mx2.example', port: 2222 });
    expect(parseTarget('mx1')).toEqual({ kind: 'ssh', label: 'mx1', address: 'mx1', port: null });
    expect(parseTarget('[2001:db8::1]:22')).toMatchObject({ address: '2001:db8::1', port: 22 });
    expect(parseTarget('exec:docker exec -i pf')).toMatchObject({ kind: 'exec', address: 'docker exec -i pf' });
    expect(parseTarget('local:/etc/postfix-out')).toMatchObject({ kind: 'local', address: '/etc/postfix-out' });
    for (const bad of ['-oProxyCommand=sh', 'a b', 'mx1:99999', 'exec:', 'local:relative', 'x;rm']) expect(() => parseTarget(bad)).toThrow(UsageError);
  });

  it('builds argv without a local shell for ssh, in batch mode, with the port and the remote script last', () => {
    const spec = spawnSpec(parseTarget('root@mx2:2222'), ['serve', '--stdio', '-c', "/etc/it's"], context);
    expect(spec.command).toBe('ssh');
    expect(spec.args.slice(0, 7)).toEqual(['-F', '/tmp/cfg', '-T', '-o', 'BatchMode=yes', '-o', 'ServerAliveInterval=10']);
    expect(spec.args.slice(7, 11)).toEqual(['-p', '2222', '--', 'root@mx2']);
    expect(spec.args[11]).toContain(`exec postq 'serve' '--stdio' '-c' '/etc/it'\\''s'`);
    expect(spawnSpec(parseTarget('local:/etc/pf'), ['serve', '--stdio'], context)).toEqual({ command: '/usr/bin/node', args: ['/opt/postq/cli.js', 'serve', '--stdio', '-c', '/etc/pf'] });
  });

  it('the remote script quotes every argument for sh and says what is missing on the target', () => {
    const hostile = ["$(touch /tmp/pwned)", "'; rm -rf / #", '`id`'];
    const echoed = spawnSync('sh', ['-c', `${remoteScript(hostile, 'printf "%s\\n"')}`], { encoding: 'utf8' });
    expect(echoed.stdout.split('\n').slice(0, 3)).toEqual(hostile);
    const missing = spawnSync('/bin/sh', ['-c', remoteScript(['serve'])], { encoding: 'utf8', env: { PATH: '/nonexistent', HOME: '/nonexistent' } });
    expect(missing.status).toBe(127);
    expect(missing.stderr).toMatch(/postq is not installed on .*--install-remote/);
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it('takes target flags out of argv and leaves the command its own', () => {
    expect(isFleetInvocation(['list', '--json'])).toBe(false);
    expect(isFleetInvocation(['list', '-c', '/a'])).toBe(false);
    expect(isFleetInvocation(['-c', '/a', '-c', '/b'])).toBe(true);
    expect(isFleetInvocation(['list', '--host=mx1'])).toBe(true);
    const { flags, rest } = splitFleetArgs(['list', '--json', '--host', 'mx1', '--host=mx2', '-c', '/etc/pf', '--context', 'eu', '--queue', 'hold']);
    expect(flags).toEqual({ host: ['mx1', 'mx2'], config: ['/etc/pf'], context: 'eu' });
    expect(rest).toEqual(['list', '--json', '--queue', 'hold']);
    expect(() => splitFleetArgs(['--host'])).toThrow(/needs a value/);
  });

  it('reads contexts.json and names the key at fault', () => {
    const map = parseContexts(JSON.stringify({ contexts: { 'eu-mx': { targets: ['mx1', 'exec:docker exec -i pf'], config: '/etc/postfix' } } }), 'c.json');
    expect(map.get('eu-mx')).toEqual({ name: 'eu-mx', targets: ['mx1', 'exec:docker exec -i pf'], spool: null, config: '/etc/postfix', remotePostq: null });
    expect(() => parseContexts('{"contexts":{"x":{"targets":[]}}}', 'c.json')).toThrow(/c.json: contexts.x.targets/);
    expect(() => parseContexts('nope', 'c.json')).toThrow(/not JSON/);
  });

  it('adds the host to each JSON line, first, and drops lines that are not JSON objects', () => {
    expect(withHost('{"queue_name":"hold","queue_id":"A"}', 'mx1')).toBe('{"host":"mx1","queue_name":"hold","queue_id":"A"}');
    expect(withHost('{}', 'a"b')).toBe('{"host":"a\\"b"}');
    expect(withHost('\x1b[2J', 'mx1')).toBeNull();
  });
});

describe('version', () => {
  it('the version the protocol hello carries is package.json\'s', async () => {
    const { readFileSync } = await import('node:fs');
    const { POSTQ_VERSION } = await import('../../src/cli/version.js');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(POSTQ_VERSION).toBe(pkg.version);
  });
});
