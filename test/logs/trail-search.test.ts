/**
 * Searching a real Postfix log (the corpus's) for trails: every line that names an id is in
 * its trail (what grep -w would find), smtpd sessions are found by pid, hops are followed,
 * and small windows (chunk edges everywhere) give the same trail as one big window.
 */
import { describe, expect, it } from 'vitest';
import { searchLog } from '../../src/logs/search-log.js';
import { formatTrailText } from '../../src/logs/trail-format.js';
import { CORPUS_LOG, corpusLogText, filePlan, leadingIds, linesNaming } from './fixtures.js';

const rawLines = (r: Awaited<ReturnType<typeof searchLog>>) => r.trail.transactions.flatMap((t) => t.entries.map((e) => e.line.raw));

describe('trail search over the corpus log', () => {
  const text = corpusLogText();
  const ids = leadingIds(text);

  it('finds every line that names each id (grep -w), and only lines that name it or its session', async () => {
    expect(ids.length).toBeGreaterThan(30);
    for (const id of ids) {
      const result = await searchLog(filePlan(CORPUS_LOG), { ids: [id], follow: false });
      const got = rawLines(result);
      for (const line of linesNaming(text, id)) expect(got, `${id}: ${line}`).toContain(line);
      // Lines without the id are its smtpd session's (connect, disconnect, warnings).
      for (const line of got) expect(line.includes(id) || /\/smtpd\[\d+\]: /.test(line), line).toBe(true);
    }
  });

  it("puts the smtpd session (connect .. disconnect, by pid) in a message's trail", async () => {
    const result = await searchLog(filePlan(CORPUS_LOG), { ids: ['C8B6722C213'], follow: false });
    const stages = result.trail.transactions[0]!.entries.map((e) => `${e.stage} ${e.line.message.split(' ')[0]}`);
    expect(stages.slice(0, 5)).toEqual(['session connect', 'session client=localhost[127.0.0.1]', 'cleanup message-id=<655dd6cd.2371.b@sender.example.org>', 'qmgr from=<jürgen@bücher.example>,', 'session disconnect']);
  });

  it('follows a bounce notice to the new id, with its lines from before the notice', async () => {
    const result = await searchLog(filePlan(CORPUS_LOG), { ids: ['AE32C22C20E'], follow: true });
    expect(result.trail.links).toEqual([{ kind: 'bounce', from: 'AE32C22C20E', to: 'C283E22C211' }]);
    const bounce = result.trail.transactions.find((t) => t.queueId === 'C283E22C211')!;
    for (const line of linesNaming(text, 'C283E22C211').filter((l) => !l.includes('notification'))) expect(bounce.entries.map((e) => e.line.raw)).toContain(line);
    expect(formatTrailText(result.trail)).toContain('links:\n  AE32C22C20E notification (bounce, delay or success notice) sent as C283E22C211\n');
  });

  it('gives the same trails through tiny windows (lines cross every chunk edge)', async () => {
    const sample = ids.slice(0, 12);
    const big = await searchLog(filePlan(CORPUS_LOG), { ids: sample, follow: true });
    for (const chunkBytes of [97, 512, 4099]) {
      const small = await searchLog(filePlan(CORPUS_LOG), { ids: sample, follow: true, chunkBytes, lookbackBytes: 64 * 1024 });
      expect(rawLines(small)).toEqual(rawLines(big));
      expect(small.trail.links).toEqual(big.trail.links);
    }
  });

  it('bounds the search by time (--since / --until)', async () => {
    const t = new Date(2026, 10, 28, 19, 43, 13).getTime();
    const r = await searchLog(filePlan(CORPUS_LOG), { ids: ['C8B6722C213'], follow: false, since: t });
    const got = rawLines(r);
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((l) => !l.startsWith('Nov 28 19:43:12'))).toBe(true);
    const r2 = await searchLog(filePlan(CORPUS_LOG), { ids: ['C8B6722C213'], follow: false, until: t - 1 });
    expect(rawLines(r2).every((l) => l.startsWith('Nov 28 19:43:12'))).toBe(true);
  });
});
