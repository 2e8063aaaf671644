/**
 * The `name=value` fields of a Postfix log message, and the ids it links to.
 *
 * Fields: `to=<a>, relay=none, delay=0.06, dsn=4.4.1, status=deferred (reply)` and pickup's
 * space-separated `uid=0 from=<a> orig_id=ID`. A value is `<...>`, or runs to the next `, `
 * or space. The parenthesised text after `status=X` is the remote reply (or the reason) and
 * is kept whole as `reply`, to the end of the line. Keys are plain words, so a hostile line
 * cannot set `__proto__` (the map has no prototype either).
 *
 * Links (collate.pl's hops): `sender non-delivery notification: NEWID` (and the delay,
 * success and postmaster notices), `queued as NEWID` in a relay's reply (content filters,
 * a next hop on this host), pickup's `orig_id=OLD` after `postsuper -r`.
 *
 * Pure; never throws.
 */

export type LogFields = Record<string, string>;

const FIELD = /(?:^|[ ,])([a-z][a-z_-]*)=(<[^>]*>|[^,\s]*)/g;

export function parseLogFields(message: string): LogFields {
  const fields: LogFields = Object.create(null) as LogFields;
  for (const m of message.matchAll(FIELD)) {
    const key = m[1]!;
    if (key in fields) continue;
    let value = m[2]!;
    if (value.startsWith('<') && value.endsWith('>')) value = value.slice(1, -1);
    fields[key] = value;
    if (key === 'status') {
      const after = m.index + m[0].length;
      if (message.startsWith(' (', after)) {
        const end = message.endsWith(')') ? message.length - 1 : message.length;
        fields.reply = message.slice(after + 2, end);
      }
      break;
    }
  }
  return fields;
}

export type LinkKind = 'bounce' | 'relayed' | 'requeued';

export interface LogLink {
  kind: LinkKind;
  /** The id this line belongs to (the parent). */
  from: string;
  /** The new id. */
  to: string;
}

const NOTIFICATION = /notification: ([A-Za-z0-9]+)$/;
const QUEUED_AS = /\bqueued as ([A-Za-z0-9]+)\b/;

/** The hop a line records, if any. `queueId` is the line's leading id. */
export function findLink(queueId: string | null, service: string, message: string, fields: LogFields): LogLink | null {
  if (!queueId) return null;
  if (service === 'pickup' && fields.orig_id && fields.orig_id !== queueId) return { kind: 'requeued', from: fields.orig_id, to: queueId };
  const notice = NOTIFICATION.exec(message);
  if (notice && notice[1] !== queueId) return { kind: 'bounce', from: queueId, to: notice[1]! };
  if (fields.reply !== undefined && fields.status === 'sent') {
    const queued = QUEUED_AS.exec(fields.reply);
    if (queued && queued[1] !== queueId) return { kind: 'relayed', from: queueId, to: queued[1]! };
  }
  return null;
}
