/**
 * The named attributes (A records) that say who handed a message to Postfix: smtpd's (and
 * qmqpd's) client_name, client_address, client_port, helo_name, protocol_name, the SASL
 * sasl_method, sasl_username, sasl_sender, and the log_client_* variants cleanup writes for
 * logging. `client_*` wins over `log_*` whatever their order in the file (cleanup writes the
 * log_ ones first); a log_ one fills in only where its partner is absent.
 *
 * Contract: pure; collectClientAttribute() returns false for a name it does not know, so the
 * caller goes on with its other attributes. Values are raw text (UTF-8 decoded, blanks trimmed
 * as Postfix splits attributes): sanitize before display. No diagnostics.
 */
import type { ClientAttributes } from '../domain/entry.js';

type Key = keyof ClientAttributes;

/** Postfix attribute name -> [key, is the log_ variant]. */
const NAMES = new Map<string, [Key, boolean]>([
  ['client_name', ['clientName', false]],
  ['client_address', ['clientAddress', false]],
  ['client_port', ['clientPort', false]],
  ['helo_name', ['heloName', false]],
  ['protocol_name', ['protocolName', false]],
  ['sasl_method', ['saslMethod', false]],
  ['sasl_username', ['saslUsername', false]],
  ['sasl_sender', ['saslSender', false]],
  ['log_client_name', ['clientName', true]],
  ['log_client_address', ['clientAddress', true]],
  ['log_client_port', ['clientPort', true]],
  ['log_helo_name', ['heloName', true]],
  ['log_protocol_name', ['protocolName', true]],
]);

/** create_time and the client's names, by length, as bytes: the attributes a listing keeps. */
const KEPT_BY_LENGTH: Array<Array<[string, Uint8Array]> | undefined> = [];
for (const name of ['create_time', ...NAMES.keys()]) (KEPT_BY_LENGTH[name.length] ??= []).push([name, Buffer.from(name, 'latin1')]);

/** What String.prototype.trim() removes from text decoded as latin1: TAB..CR, space, NBSP. */
const isTrimmed = (byte: number) => (byte >= 0x09 && byte <= 0x0d) || byte === 0x20 || byte === 0xa0;

/**
 * The name of an attribute record starting at `from` whose `=` is at `eq`, when it is
 * create_time or a client attribute: the same as `data.toString('latin1', from, eq).trim()` for
 * those, null for any other name, compared on the bytes (a message has an attribute per
 * recipient: no string for them).
 */
export function keptAttributeName(data: Uint8Array, eq: number, from = 0): string | null {
  let start = from;
  let end = eq;
  while (start < end && isTrimmed(data[start]!)) start++;
  while (end > start && isTrimmed(data[end - 1]!)) end--;
  const candidates = KEPT_BY_LENGTH[end - start];
  if (candidates === undefined) return null;
  for (const [name, bytes] of candidates) {
    let i = 0;
    while (i < bytes.length && data[start + i] === bytes[i]) i++;
    if (i === bytes.length) return name;
  }
  return null;
}

/** The Postfix attribute name of each key (not the log_ variant): `postq list --json` uses these. */
export const CLIENT_ATTRIBUTE_NAMES: Record<Key, string> = {
  clientName: 'client_name',
  clientAddress: 'client_address',
  clientPort: 'client_port',
  heloName: 'helo_name',
  protocolName: 'protocol_name',
  saslMethod: 'sasl_method',
  saslUsername: 'sasl_username',
  saslSender: 'sasl_sender',
};

export function emptyClientAttributes(): ClientAttributes {
  return {
    clientName: null,
    clientAddress: null,
    clientPort: null,
    heloName: null,
    protocolName: null,
    saslMethod: null,
    saslUsername: null,
    saslSender: null,
  };
}

/** Collects the client attributes of one file; `fromLog` remembers which came from a log_ variant. */
export class ClientAttributeCollector {
  private attrs: ClientAttributes | null = null;
  /** Made at the first log_ variant (most files have none, and each file gets a collector). */
  private fromLog: Set<Key> | null = null;

  /**
   * Take `name=value` (value: bytes[start, end)) if it is a client attribute (true), else leave
   * it (false). A range, not a view: a Buffer view costs more than the decode of a short value.
   */
  collect(name: string, bytes: Buffer, start = 0, end = bytes.length): boolean {
    const known = NAMES.get(name);
    if (!known) return false;
    const [key, isLog] = known;
    const attrs = (this.attrs ??= emptyClientAttributes());
    if (isLog) {
      if (attrs[key] !== null) return true;
      (this.fromLog ??= new Set()).add(key);
    } else {
      if (attrs[key] !== null && !this.fromLog?.has(key)) return true; // the first one stays
      this.fromLog?.delete(key);
    }
    attrs[key] = bytes.toString('utf8', start, end).trim();
    return true;
  }

  /** The attributes seen, or null when the file had none (local submission). */
  result(): ClientAttributes | null {
    return this.attrs;
  }
}
