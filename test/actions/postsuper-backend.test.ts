import { afterEach, describe, expect, it } from 'vitest';
import { createPostsuperBackend, NOT_ROOT_REASON } from '../../src/actions/postsuper-backend.js';
import type { ActionName, ActionTarget } from '../../src/domain/backend.js';
import { FakeRunner, type ExpectedCall } from './fake-runner.js';

let runner: FakeRunner;
const backendWith = (calls: ExpectedCall[], configDir: string | null = '/etc/postfix-out', isRoot = true) => {
  runner = new FakeRunner(calls);
  return createPostsuperBackend({ configDir, runner, isRoot: () => isRoot, timeoutMs: 5000 });
};
afterEach(() => runner?.assertAllCalled());

const t = (queueId: string, queueName: ActionTarget['queueName'] = 'deferred'): ActionTarget => ({ queueId, queueName });

describe('postsuper backend: exact argv and stdin per action', () => {
  const cases: Array<[ActionName, ActionTarget['queueName'], string, string]> = [
    ['hold', 'deferred', '-h', 'placed on hold'],
    ['release', 'hold', '-H', 'released from hold'],
    ['requeue', 'deferred', '-r', 'requeued'],
    ['delete', 'deferred', '-d', 'removed'],
    ['expire', 'deferred', '-e', 'expired'],
  ];
  for (const [action, queueName, flag, verb] of cases) {
    it(`${action}: postsuper -c DIR ${flag} - ${queueName}, ids on stdin, one line each`, async () => {
      const backend = backendWith([
        {
          file: 'postsuper',
          args: ['-c', '/etc/postfix-out', flag, '-', queueName],
          stdin: 'A1B2C3D4E5\nB1B2C3D4E6\n',
          result: { stderr: `postsuper: A1B2C3D4E5: ${verb}\npostsuper: B1B2C3D4E6: ${verb}\n` },
        },
      ]);
      const result = await backend.run(action, [t('A1B2C3D4E5', queueName), t('B1B2C3D4E6', queueName)]);
      expect(result.outcomes).toEqual([
        { queueId: 'A1B2C3D4E5', status: 'done' },
        { queueId: 'B1B2C3D4E6', status: 'done' },
      ]);
      expect(result.commands).toEqual([['postsuper', '-c', '/etc/postfix-out', flag, '-', queueName]]);
      expect(result.error).toBeUndefined();
    });
  }

  it('without -c for the default instance; one process per queue the ids were seen in', async () => {
    const backend = backendWith(
      [
        { file: 'postsuper', args: ['-d', '-', 'deferred'], stdin: 'AAAAA11\nCCCCC33\n', result: { stderr: 'postsuper: AAAAA11: removed\npostsuper: CCCCC33: removed\npostsuper: Deleted: 2 messages\n' } },
        { file: 'postsuper', args: ['-d', '-', 'hold'], stdin: 'BBBBB22\n', result: { stderr: 'postsuper: BBBBB22: removed\npostsuper: Deleted: 1 message\n' } },
      ],
      null,
    );
    const result = await backend.run('delete', [t('AAAAA11'), t('BBBBB22', 'hold'), t('CCCCC33')]);
    expect(result.outcomes.map((o) => `${o.queueId}:${o.status}`)).toEqual(['AAAAA11:done', 'BBBBB22:done', 'CCCCC33:done']);
    expect(backend.describe('delete', [t('AAAAA11'), t('BBBBB22', 'hold')])).toBe(
      'postsuper -d - deferred  (1 id on stdin)\npostsuper -d - hold  (1 id on stdin)',
    );
  });

  it('strips mailq markers and drops duplicates before the ids go out', async () => {
    const backend = backendWith([
      { file: 'postsuper', args: ['-c', '/etc/postfix-out', '-H', '-', 'hold'], stdin: 'D976E1604F1\n', result: { stderr: 'postsuper: D976E1604F1: released from hold\n' } },
    ]);
    const result = await backend.run('release', [t('D976E1604F1!', 'hold'), t('D976E1604F1', 'hold')]);
    expect(result.outcomes).toEqual([{ queueId: 'D976E1604F1', status: 'done' }]);
  });
});

describe('postsuper backend: what comes back', () => {
  it('an id postsuper does not report is not-found; partial results are kept', async () => {
    const backend = backendWith([
      { file: 'postsuper', args: ['-c', '/etc/postfix-out', '-h', '-', 'deferred'], stdin: 'AAAAA11\nBBBBB22\nCCCCC33\n', result: { stderr: 'postsuper: BBBBB22: placed on hold\npostsuper: Placed on hold: 1 message\n' } },
    ]);
    const result = await backend.run('hold', [t('AAAAA11'), t('BBBBB22'), t('CCCCC33')]);
    expect(result.outcomes).toEqual([
      { queueId: 'AAAAA11', status: 'not-found' },
      { queueId: 'BBBBB22', status: 'done' },
      { queueId: 'CCCCC33', status: 'not-found' },
    ]);
  });

  it('invalid ids never go out: they fail before postsuper runs', async () => {
    const backend = backendWith([
      { file: 'postsuper', args: ['-c', '/etc/postfix-out', '-d', '-', 'deferred'], stdin: 'AAAAA11\n', result: { stderr: 'postsuper: AAAAA11: removed\n' } },
    ]);
    const result = await backend.run('delete', [t('../../etc/passwd'), t('AAAAA11'), t('-d ALL'), t(''), t('X')]);
    expect(result.outcomes).toEqual([
      { queueId: '../../etc/passwd', status: 'failed', reason: 'invalid queue id' },
      { queueId: 'AAAAA11', status: 'done' },
      { queueId: '-d ALL', status: 'failed', reason: 'invalid queue id' },
      { queueId: '', status: 'failed', reason: 'invalid queue id' },
      { queueId: 'X', status: 'failed', reason: 'invalid queue id' },
    ]);
  });

  it('only invalid ids or wrong queues: postsuper is not run at all', async () => {
    const backend = backendWith([]);
    const result = await backend.run('release', [t('bad id'), t('AAAAA11', 'deferred')]);
    expect(result.outcomes).toEqual([
      { queueId: 'bad id', status: 'failed', reason: 'invalid queue id' },
      { queueId: 'AAAAA11', status: 'failed', reason: 'not on hold (in deferred/)' },
    ]);
    expect(result.commands).toEqual([]);
  });

  it('a postsuper warning that names an id fails that id with the warning', async () => {
    const backend = backendWith([
      {
        file: 'postsuper',
        args: ['-c', '/etc/postfix-out', '-h', '-', 'deferred'],
        stdin: 'AAAAA11\nBBBBB22\n',
        result: { stderr: 'postsuper: warning: invalid mail queue id: AAAAA11\npostsuper: warning: rename deferred/B/BBBBB22 to hold/BBBBB22: Permission denied\npostsuper: Placed on hold: 0 messages\n' },
      },
    ]);
    const result = await backend.run('hold', [t('AAAAA11'), t('BBBBB22')]);
    expect(result.outcomes).toEqual([
      { queueId: 'AAAAA11', status: 'failed', reason: 'invalid queue id (postsuper)' },
      { queueId: 'BBBBB22', status: 'failed', reason: 'rename deferred/B/BBBBB22 to hold/BBBBB22: Permission denied' },
    ]);
  });

  it('a fatal keeps what was done before it and fails the rest with the fatal text', async () => {
    const backend = backendWith([
      {
        file: 'postsuper',
        args: ['-c', '/etc/postfix-out', '-r', '-', 'deferred'],
        stdin: 'AAAAA11\nBBBBB22\n',
        result: { exitCode: 1, stderr: 'postsuper: AAAAA11: requeued\npostsuper: fatal: rename deferred/B/BBBBB22: No space left on device\n' },
      },
    ]);
    const result = await backend.run('requeue', [t('AAAAA11'), t('BBBBB22')]);
    const reason = 'postsuper: fatal: rename deferred/B/BBBBB22: No space left on device';
    expect(result.outcomes).toEqual([
      { queueId: 'AAAAA11', status: 'done' },
      { queueId: 'BBBBB22', status: 'failed', reason },
    ]);
    expect(result.error).toBe(reason);
  });

  it('not root: says so and runs nothing', async () => {
    const backend = backendWith([], '/etc/postfix-out', false);
    const result = await backend.run('hold', [t('AAAAA11')]);
    expect(result.outcomes).toEqual([{ queueId: 'AAAAA11', status: 'failed', reason: NOT_ROOT_REASON }]);
    expect(result.error).toBe(NOT_ROOT_REASON);
    expect(result.commands).toEqual([]);
  });

  it("postsuper's own superuser fatal is translated to the same clear reason", async () => {
    const backend = backendWith([
      { file: 'postsuper', args: ['-c', '/etc/postfix-out', '-d', '-', 'hold'], stdin: 'AAAAA11\n', result: { exitCode: 1, stderr: 'postsuper: fatal: use of this command is reserved for the superuser\n' } },
    ]);
    const result = await backend.run('delete', [t('AAAAA11', 'hold')]);
    expect(result.outcomes).toEqual([{ queueId: 'AAAAA11', status: 'failed', reason: NOT_ROOT_REASON }]);
  });

  it('postsuper missing: a clear error for every id', async () => {
    const enoent = Object.assign(new Error('spawn postsuper ENOENT'), { code: 'ENOENT' });
    const backend = backendWith([
      { file: 'postsuper', args: ['-c', '/etc/postfix-out', '-h', '-', 'deferred'], stdin: 'AAAAA11\n', result: { exitCode: -2, spawnError: enoent } },
    ]);
    const result = await backend.run('hold', [t('AAAAA11')]);
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining('postsuper not found') });
    expect(result.error).toContain('is Postfix installed');
  });

  it('a timeout: ids reported before the kill are done, the rest failed as unknown', async () => {
    const backend = backendWith([
      { file: 'postsuper', args: ['-c', '/etc/postfix-out', '-h', '-', 'deferred'], stdin: 'AAAAA11\nBBBBB22\n', result: { exitCode: null, signal: 'SIGKILL', timedOut: true, stderr: 'postsuper: AAAAA11: placed on hold\n' } },
    ]);
    const result = await backend.run('hold', [t('AAAAA11'), t('BBBBB22')]);
    expect(result.outcomes[0]).toEqual({ queueId: 'AAAAA11', status: 'done' });
    expect(result.outcomes[1]).toMatchObject({ status: 'failed', reason: expect.stringContaining('did not finish within 5 s') });
  });

  it('wrong queue for the action is refused per id with why', async () => {
    const backend = backendWith([]);
    const result = await backend.run('hold', [t('AAAAA11', 'hold'), t('BBBBB22', 'maildrop'), t('CCCCC33', 'corrupt')]);
    expect(result.outcomes.map((o) => (o.status === 'failed' ? o.reason : o.status))).toEqual([
      'already on hold',
      'in maildrop/, waiting for pickup: only delete can take it from there',
      'in corrupt/: postsuper does not act on corrupt files; inspect and remove by hand',
    ]);
  });

  it('deliver: postqueue -c DIR -i ID once per id, no stdin, no root needed; its fatal is the reason', async () => {
    const backend = backendWith(
      [
        { file: 'postqueue', args: ['-c', '/etc/postfix-out', '-i', 'AAAAA11'], stdin: '' },
        {
          file: 'postqueue',
          args: ['-c', '/etc/postfix-out', '-i', 'BBBBB22'],
          stdin: '',
          result: { exitCode: 69, stderr: 'postqueue: fatal: Cannot flush mail queue - mail system is down\n' },
        },
      ],
      '/etc/postfix-out',
      false,
    );
    expect(backend.supports('deliver')).toBe(true);
    const result = await backend.run('deliver', [t('AAAAA11'), t('BBBBB22', 'incoming'), t('CCCCC33', 'hold')]);
    expect(result.outcomes).toEqual([
      { queueId: 'AAAAA11', status: 'done' },
      { queueId: 'BBBBB22', status: 'failed', reason: 'postqueue: Cannot flush mail queue - mail system is down' },
      { queueId: 'CCCCC33', status: 'failed', reason: 'deliver does not take messages from hold/' },
    ]);
    expect(result.commands).toEqual([
      ['postqueue', '-c', '/etc/postfix-out', '-i', 'AAAAA11'],
      ['postqueue', '-c', '/etc/postfix-out', '-i', 'BBBBB22'],
    ]);
  });
});
