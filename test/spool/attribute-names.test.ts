/**
 * Attribute names compared on the bytes (src/spool/client-attributes.ts keptAttributeName,
 * used by parseQueueFile): the same answer as decoding the name as latin1 and trim()ming it,
 * for the names a listing keeps (create_time and the client's), with blanks of every kind
 * JavaScript's trim() removes around them and bytes it does not (0x85, 0x1c), and null for
 * every other name. And the parse built on it: the same entry as the string way.
 */
import { describe, expect, it } from 'vitest';
import { keptAttributeName } from '../../src/spool/client-attributes.js';
import { parseQueueFile } from '../../src/spool/queue-file.js';
import { rec } from '../helpers/records.js';

const KEPT = ['create_time', 'client_name', 'client_address', 'client_port', 'helo_name', 'protocol_name', 'sasl_method', 'sasl_username', 'sasl_sender', 'log_client_name', 'log_client_address', 'log_client_port', 'log_helo_name', 'log_protocol_name'];

/** The string way, as parseQueueFile did it before. */
function byString(name: Buffer): string | null {
  const text = name.toString('latin1').trim();
  return KEPT.includes(text) ? text : null;
}

/** A small deterministic generator (no flaky seeds). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('an attribute name read on the bytes', () => {
  it('equals latin1 + trim() over names with every kind of blank, near misses and other names', () => {
    const blanks = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x85, 0x1c, 0x00, 0x08, 0x0e, 0x7f];
    const names = [...KEPT, 'dsn_orig_rcpt', 'rewrite_context', 'create_tim', 'create_timex', 'Client_name', 'client-name', 'log_client_', '', 'sasl_usernamE'];
    const random = lcg(15);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    let kept = 0;
    for (let i = 0; i < 20_000; i++) {
      const around = () => Array.from({ length: Math.floor(random() * 3) }, () => pick(blanks));
      const name = Buffer.from([...around(), ...Buffer.from(pick(names), 'latin1'), ...around()]);
      const data = Buffer.concat([name, Buffer.from('=value')]);
      const want = byString(name);
      if (want !== null) kept++;
      expect(keptAttributeName(data, name.length), JSON.stringify(name.toString('latin1'))).toBe(want);
    }
    // Both answers were asked about often.
    expect(kept).toBeGreaterThan(3000);
    expect(kept).toBeLessThan(15000);
  });

  it('parseQueueFile keeps the attributes the string way kept: blanks around names, 0x85 not a blank, log_ variants only where client_ ones are absent', () => {
    const file = Buffer.concat([
      rec('T', '1795895002 1'),
      rec('A', Buffer.from('\x0b create_time\xa0=1795894990', 'latin1')),
      rec('A', 'log_client_name=log.example'),
      rec('A', '\tclient_name =mx.example'),
      rec('A', Buffer.from('\x85client_port=25', 'latin1')),
      rec('A', 'log_client_port=2525'),
      rec('A', 'helo_name\r=he.example'),
      rec('A', 'dsn_orig_rcpt=rfc822;a@b'),
      rec('A', 'sasl_username= user '),
      rec('S', 's@x'),
      rec('R', 'r@y'),
      rec('M'),
      rec('X'),
      rec('E'),
    ]);
    const parsed = parseQueueFile(file, { queueName: 'deferred', skipContent: false });
    expect(parsed.createTime).toBe(1795894990);
    expect(parsed.client).toEqual({
      clientName: 'mx.example',
      clientAddress: null,
      clientPort: '2525',
      heloName: 'he.example',
      protocolName: null,
      saslMethod: null,
      saslUsername: 'user',
      saslSender: null,
    });
    expect(parsed.diagnostics.filter((d) => d.problem.includes('attribute'))).toEqual([]);
  });
});
