/**
 * The merged fleet store reads each host's own lifetimes, backoffs and null sender (from its
 * hello), not Postfix's defaults for all: the EXPIRES cell, the expires sort and the
 * expires</attempts> filters per host; rules arriving after a filter is in force recompile it.
 * Two identical messages (same arrival, same sender) on two hosts differ only by their host.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POSTFIX_LIMITS, type HostRules } from '../../src/domain/postfix-limits.js';
import { decodeServerMessage, PROTOCOL_VERSION } from '../../src/remote/protocol.js';
import { helloRules, hostRulesOf, MergedIds } from '../../src/remote/merged.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { selectWindow } from '../../src/store/selectors.js';
import { selectVisibleRows } from '../../src/store/visible-list.js';
import { batch, fakeBackend, makeEntry, NOW_MS, NOW_SEC } from '../store/fixtures.js';

const DAY = 86_400;
// mx1: maximal_queue_lifetime = 1d, bounce_queue_lifetime = 2h, null sender named `double-bounce`.
const MX1: HostRules = { limits: { ...DEFAULT_POSTFIX_LIMITS, maximalQueueLifetime: DAY, bounceQueueLifetime: 7200, minimalBackoffTime: 60, maximalBackoffTime: 120, source: 'postconf' }, emptyAddress: 'double-bounce' };

function fleetStore(rules: Map<string, HostRules> | null) {
  const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS });
  if (rules) store.getState().updateHealth({ hostRules: rules });
  const ids = new MergedIds();
  // Two days old, deferred, on both hosts; and a bounce three hours old on both.
  const both = [makeEntry('AAAAAAAAA1', { arrivalTime: NOW_SEC - 2 * DAY, reasons: ['connect timed out'], mtime: NOW_SEC + 100 }), makeEntry('BBBBBBBBB1', { arrivalTime: NOW_SEC - 3 * 3600, sender: 'double-bounce' })];
  for (const host of ['mx1', 'mx2']) store.getState().applySpoolBatch(ids.toMerged(batch(both, [], { full: true }), host));
  return store;
}

const expiresIn = (store: ReturnType<typeof fleetStore>) =>
  Object.fromEntries(selectWindow(store.getState(), 10).rows.map((r) => [r.entry.queueId, r.expiresAt! - NOW_SEC]));
const shown = (store: ReturnType<typeof fleetStore>) => selectVisibleRows(store.getState()).map((r) => r.id);

describe('merged fleet store: each host\'s own lifetimes', () => {
  it('EXPIRES, the expires sort and expires< read the host\'s limits; the other host keeps the defaults', () => {
    const store = fleetStore(new Map([['mx1', MX1]]));
    expect(expiresIn(store)).toEqual({
      'AAAAAAAAA1@mx1': -DAY, // 2d old, 1d lifetime: expired a day ago
      'AAAAAAAAA1@mx2': 3 * DAY, // 5d default
      'BBBBBBBBB1@mx1': -3600, // a bounce there (double-bounce): 2h lifetime
      'BBBBBBBBB1@mx2': 5 * DAY - 3 * 3600, // not the null sender on mx2 (MAILER-DAEMON): 5d
    });
    store.getState().setSort('expires');
    expect(shown(store)).toEqual(['AAAAAAAAA1@mx1', 'BBBBBBBBB1@mx1', 'AAAAAAAAA1@mx2', 'BBBBBBBBB1@mx2']);
    store.getState().setFilterText('expires<1h');
    expect(shown(store)).toEqual(['AAAAAAAAA1@mx1', 'BBBBBBBBB1@mx1']);
    store.getState().setFilterText('attempts>100');
    // 2 days at mx1's 60-120 s backoffs is far more tries than at the default 300-4000 s.
    expect(shown(store).filter((id) => id.startsWith('AAAAAAAAA1'))).toEqual(['AAAAAAAAA1@mx1']);
  });

  it('rules that arrive after the filter (a hello after a reconnect) recompile it and re-sort', () => {
    const store = fleetStore(null);
    store.getState().setSort('expires');
    store.getState().setFilterText('expires<1h');
    expect(shown(store)).toEqual([]);
    store.getState().updateHealth({ hostRules: new Map([['mx2', MX1]]) });
    expect(shown(store)).toEqual(['AAAAAAAAA1@mx2', 'BBBBBBBBB1@mx2']);
  });

  it('the hello carries the limits and null sender; malformed limits fall back to the defaults', () => {
    const hello = (extra: object) => {
      const d = decodeServerMessage(JSON.stringify({ t: 'hello', protocol: PROTOCOL_VERSION, version: '0.1.0', host: 'mx1', queueDirectory: '/q', ...extra }));
      if (!('message' in d) || d.message.t !== 'hello') throw new Error(JSON.stringify(d));
      return d.message;
    };
    const good = hello({ limits: MX1.limits, emptyAddress: 'double-bounce' });
    expect(helloRules(good)).toEqual(MX1);
    expect(helloRules(hello({ limits: { ...MX1.limits, maximalQueueLifetime: -1 } }))).toBeNull();
    expect(helloRules(hello({ limits: { ...MX1.limits, bounceQueueLifetime: '2h' } }))).toBeNull();
    expect(helloRules(hello({}))).toBeNull(); // an older remote: the console's defaults apply
    expect(hostRulesOf([{ target: { label: 'mx1' }, hello: good }, { target: { label: 'mx2' }, hello: null }])).toEqual(new Map([['mx1', MX1]]));
  });
});
