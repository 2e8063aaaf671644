/**
 * The who fields of the filter language (client:, helo:, sasl:, proto:, origin:) and the
 * address/CIDR reading behind client:, on entries with IPv4, IPv6 and SASL clients; and the
 * queue-file reader's choice between client_* and log_client_* attributes.
 */
import { describe, expect, it } from 'vitest';
import type { ClientAttributes } from '../../src/domain/entry.js';
import { cidrContains, parseCidr } from '../../src/domain/ip-address.js';
import { ClientAttributeCollector, emptyClientAttributes } from '../../src/spool/client-attributes.js';
import { compileFilter, isFilterError } from '../../src/store/filter-match.js';
import { makeEntry, NOW_MS } from './fixtures.js';

const client = (c: Partial<ClientAttributes>): ClientAttributes => ({ ...emptyClientAttributes(), ...c });
const v4 = makeEntry('AAAA000001', { client: client({ clientName: 'mail.shop.example', clientAddress: '203.0.113.9', heloName: 'mail.shop.example', protocolName: 'ESMTP' }) });
const sasl = makeEntry('AAAA000002', {
  client: client({ clientName: 'unknown', clientAddress: '198.51.100.77', heloName: '[198.51.100.77]', protocolName: 'ESMTPSA', saslMethod: 'PLAIN', saslUsername: 'bob@corp.example' }),
});
const v6 = makeEntry('AAAA000003', { client: client({ clientName: 'mx.v6.example', clientAddress: '2001:db8:1::25', heloName: 'mx.v6.example', protocolName: 'SMTP' }) });
const mapped = makeEntry('AAAA000004', { client: client({ clientName: 'unknown', clientAddress: '::ffff:203.0.113.200', protocolName: 'ESMTP' }) });
const local = makeEntry('AAAA000005', { client: null });
const entries = [v4, sasl, v6, mapped, local];

function select(text: string): string[] {
  const f = compileFilter(text);
  if (isFilterError(f)) throw new Error(`${text}: ${f.error.message}`);
  return entries.filter((e) => f.match(e, NOW_MS)).map((e) => e.queueId.slice(-1));
}

describe('who filter fields', () => {
  it.each([
    ['client:203.0.113.0/24', ['1', '4']],
    ['client:203.0.113.9', ['1']],
    ['client:203.0.113.9/32', ['1']],
    ['client:2001:db8::/32', ['3']],
    ['client:2001:db8:1::25', ['3']],
    ['client:2001:db8:2::/48', []],
    ['client:0.0.0.0/0', ['1', '2', '4']],
    ['client:::/0', ['3', '4']],
    ['client:shop', ['1']],
    ['client:unknown', ['2', '4']],
    ['client:/^mx\\./', ['3']],
    ['helo:"[198.51.100.77]"', ['2']],
    ['sasl:bob@corp.example', ['2']],
    ['!sasl:bob', ['1', '3', '4', '5']],
    ['proto:esmtpsa', ['2']],
    ['proto:/^e?smtp$/', ['1', '3', '4']],
    ['origin:smtp', ['1', '2', '3', '4']],
    ['origin:local', ['5']],
    ['origin:smtp !client:203.0.113.0/24', ['2', '3']],
  ])('%s selects %j', (text, want) => {
    expect(select(text)).toEqual(want);
  });

  it.each([
    ['client:203.0.113.0/33', 7, /not an address block/],
    ['client:2001:db8::/129', 7, /not an address block/],
    ['origin:pickup', 7, /origin:smtp .* origin:local/],
  ])('%s is an error at %i', (text, position, message) => {
    const f = compileFilter(text);
    expect(isFilterError(f) && f.error.position).toBe(position);
    expect(isFilterError(f) && f.error.message).toMatch(message);
  });
});

describe('addresses and blocks', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.0.2.128/25', '192.0.2.127', false],
    ['192.0.2.128/25', '192.0.2.129', true],
    ['2001:db8::/32', '2001:0db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['fe80::/10', 'febf::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['::1', '0:0:0:0:0:0:0:1', true],
    ['192.0.2.0/24', '::ffff:192.0.2.5', true],
    ['::ffff:0:0/96', '192.0.2.5', false],
    ['192.0.2.0/24', 'not-an-address', false],
  ])('%s contains %s: %s', (block, address, want) => {
    expect(cidrContains(parseCidr(block)!, address)).toBe(want);
  });

  it.each(['300.1.1.1', '1.2.3', '1:2:3', '1::2::3', '12345::', '1.2.3.4/40', 'localhost', '::ffff:1.2.3'])('%s is no address', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('client_* and log_client_* attributes', () => {
  const collect = (pairs: Array<[string, string]>) => {
    const c = new ClientAttributeCollector();
    for (const [name, value] of pairs) c.collect(name, Buffer.from(value));
    return c.result();
  };

  it('the plain attribute wins over the log_ one, in either order; log_ fills in where it is alone', () => {
    expect(collect([['log_client_name', 'log.example'], ['client_name', 'real.example']])?.clientName).toBe('real.example');
    expect(collect([['client_name', 'real.example'], ['log_client_name', 'log.example']])?.clientName).toBe('real.example');
    expect(collect([['log_helo_name', 'helo.example'], ['rewrite_context', 'local']])).toEqual(client({ heloName: 'helo.example' }));
  });

  it('a file without client attributes has none (local submission)', () => {
    expect(collect([['rewrite_context', 'local'], ['log_message_origin', 'local']])).toBeNull();
  });
});
