/**
 * Delay reasons -> clusters: the same cause with different hosts, addresses, ports, queue ids
 * and numbers falls into one cluster. A cluster is the SMTP reply code and enhanced status
 * (when the remote server said one), a named class (greylisting, rate limiting, mailbox full,
 * DNS, TLS, timeout, refused, ...), and the text with its variable parts replaced by <host>,
 * <ip>, <addr>, <id>, <url> and <n>. "delivery temporarily suspended: " (qmgr's note that a
 * destination is dead) is taken off: the cause is what follows it.
 *
 * Contract: pure, never throws; any string gives a cluster (class `other` when no rule fits).
 * The text is raw: sanitize before display.
 */

export const REASON_CLASSES = [
  'greylisting',
  'rate limiting',
  'mailbox full',
  'user unknown',
  'DNS',
  'TLS',
  'timeout',
  'refused',
  'connection lost',
  'policy/blocklist',
  'other',
] as const;
export type ReasonClass = (typeof REASON_CLASSES)[number];

export interface ReasonCluster {
  /** Identity: class, code, status and template together. */
  key: string;
  /** A short stable id of the key (8 hex digits), for filters (why:#id). */
  id: string;
  reasonClass: ReasonClass;
  /** The remote server's reply code (`450`), or null when the text has none. */
  code: string | null;
  /** The enhanced status code (`4.7.1`), or null. */
  status: string | null;
  /** The text with the variable parts replaced. */
  template: string;
}

/** First match wins: the more specific causes before the general ones. */
const CLASS_RULES: Array<[ReasonClass, RegExp]> = [
  ['TLS', /\btls\b|starttls|\bssl\b|certificate|handshake/i],
  ['DNS', /name service error|host not found|host or domain name not found|no mx|nxdomain|dns|domain not found|name or service not known/i],
  ['rate limiting', /rate[- ]limit|unusual rate|too many (?:connections|messages|recipients|concurrent)|throttl|sending rate|slow down|4\.7\.28|exceeded .*limit/i],
  ['greylisting', /gr[ae]ylist|try again later|please (?:try|retry) later|come back later|temporarily deferred/i],
  ['mailbox full', /mailbox (?:is )?full|over ?quota|quota exceeded|insufficient (?:system )?storage|out of storage|[45]\.2\.2/i],
  ['user unknown', /user unknown|unknown user|no such user|does not exist|recipient address rejected: user|mailbox unavailable|[45]\.1\.1/i],
  ['timeout', /timed out|timeout/i],
  ['refused', /connection refused|refused to talk/i],
  ['connection lost', /lost connection|connection reset|network is unreachable|no route to host|host is unreachable|broken pipe/i],
  ['policy/blocklist', /block ?list|black ?list|spamhaus|\brbl\b|dnsbl|listed|policy|reputation|spam|not allowed|denied|rejected|blocked|[45]\.7\.\d+/i],
];

const SUSPENDED = /^delivery temporarily suspended: /i;
/** "host mx.a.example[192.0.2.1] said: 450 4.7.1 text" */
const SAID = /^host \S+ said: /i;
const REPLY = /^([245]\d\d)(?:[ -]+([245]\.\d{1,3}\.\d{1,3})\b)?/;

type Replacement = [RegExp, string | ((match: string) => string)];

const REPLACEMENTS: Replacement[] = [
  [/\bhttps?:\/\/\S+/gi, '<url>'],
  // host[ip] and host[ip]:port, the way Postfix names peers.
  [/[^\s[\]]+\[(?:ipv6:)?[0-9a-f:.]+\](?::\d+)?/gi, '<host>'],
  [/<[^<>\s]*@[^<>\s]*>/g, '<addr>'],
  [/[^\s@<>()"]+@[^\s@<>()"]+\.[a-z]{2,}\b/gi, '<addr>'],
  [/\bname=[^\s:,;)]+/gi, 'name=<host>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>'],
  [/\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|[0-9a-f:]*::[0-9a-f:]*[0-9a-f]/gi, '<ip>'],
  // Queue ids: short (10+ upper-case hex digits) and long (enable_long_queue_ids: ...z...).
  [/\b[0-9A-F]{10,12}\b/g, '<id>'],
  [/\b[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-y]{10,16}z[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{5,}\b/g, '<id>'],
  // A host name after the words that introduce one in Postfix's own texts.
  [/\b(?:by|from|to|at|for|with|host|server|domain)\s+[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b/gi, (m) => m.replace(/\S+$/, '<host>')],
  // Numbers, but not the digits of a name (SMTPUTF8, RFC822).
  [/(?<![A-Za-z])\d+/g, '<n>'],
];

function normalize(text: string): string {
  let out = text;
  for (const [re, to] of REPLACEMENTS) out = typeof to === 'string' ? out.replace(re, to) : out.replace(re, to);
  return out.replace(/\s+/g, ' ').trim();
}

/** FNV-1a, 32 bits, as 8 hex digits: a short id that stays the same across runs. */
function shortId(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function classifyReason(text: string): ReasonClass {
  for (const [name, re] of CLASS_RULES) if (re.test(text)) return name;
  return 'other';
}

const cache = new Map<string, ReasonCluster>();
const CACHE_MAX = 50_000;

/** The cluster of one delay reason (memoised: a queue repeats few distinct reasons). */
export function clusterReason(reason: string): ReasonCluster {
  const hit = cache.get(reason);
  if (hit) return hit;
  let text = reason.replace(SUSPENDED, '');
  let code: string | null = null;
  let status: string | null = null;
  const said = SAID.exec(text);
  const reply = REPLY.exec(said ? text.slice(said[0].length) : text);
  if (reply) {
    code = reply[1]!;
    status = reply[2] ?? null;
    text = (said ? text.slice(0, said[0].length) : '') + text.slice((said ? said[0].length : 0) + reply[0].length);
  }
  const template = normalize(text);
  // Classified on the normalised text: a host named flaky-dns.example is no DNS trouble.
  const reasonClass = classifyReason(`${code ?? ''} ${status ?? ''} ${template}`);
  const key = `${reasonClass}\u0000${code ?? ''}\u0000${status ?? ''}\u0000${template}`;
  const cluster: ReasonCluster = { key, id: shortId(key), reasonClass, code, status, template };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(reason, cluster);
  return cluster;
}

/** One line for humans: `greylisting 450 4.7.1 host <host> said: <addr>: ...`. */
export function describeCluster(c: ReasonCluster): string {
  return [c.reasonClass, c.code, c.status, c.template].filter((x) => x !== null && x !== '').join(' ');
}
