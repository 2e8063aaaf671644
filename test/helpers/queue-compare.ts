/**
 * Compare postq's output with Postfix's own (postqueue -j / postqueue -p) for integration
 * tests: message for message and field for field, in a form whose failure diff shows which
 * message and which field differ. Directory order is readdir order on both sides and may
 * differ after a copy, so messages are matched by queue id and mailq blocks as a multiset.
 */
import { expect } from 'vitest';

/** postq's JSON line without its extra `postq` member, as postqueue would print it. */
export function stripPostqMember(line: string): string {
  // `postq` is the last member; a quote inside a JSON string is escaped, so the first match is the key.
  const at = line.indexOf(', "postq": ');
  return at < 0 ? line : line.slice(0, at) + '}';
}

function byId(lines: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines) {
    const id = (JSON.parse(line) as { queue_id: string }).queue_id;
    expect(map.has(id), `queue id ${id} listed twice`).toBe(false);
    map.set(id, line);
  }
  return map;
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/**
 * postq list --json output vs postqueue -j output: the same ids, and for each id the same
 * object (deep) and the same text (member order, separators, escaping).
 */
export function expectJsonMatches(postqStdout: string, postqueueStdout: string): void {
  const ours = byId(lines(postqStdout).map(stripPostqMember));
  const theirs = byId(lines(postqueueStdout));
  expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
  for (const [id, line] of theirs) {
    const mine = ours.get(id)!;
    expect(JSON.parse(mine), `message ${id}`).toEqual(JSON.parse(line));
    expect(mine, `message ${id} (text)`).toBe(line);
  }
  // Every line we print has the extra member, and it is an object.
  for (const line of lines(postqStdout)) expect(typeof JSON.parse(line).postq).toBe('object');
}

export interface MailqParts {
  header: string;
  blocks: string[];
  footer: string;
}

/** Split mailq text into header line, message blocks and footer ("Mail queue is empty" = footer only). */
export function splitMailq(text: string): MailqParts {
  const all = text.replace(/\n$/, '').split('\n');
  if (all.length === 1) return { header: '', blocks: [], footer: all[0]! };
  const header = all[0]!;
  const footer = all[all.length - 1]!;
  const body = all.slice(1, -1).join('\n');
  // Messages are separated by one blank line, and one blank line precedes the footer.
  const blocks = body.replace(/\n$/, '').split('\n\n');
  return { header, blocks, footer };
}

export function expectMailqMatches(postqStdout: string, postqueueStdout: string): void {
  const ours = splitMailq(postqStdout);
  const theirs = splitMailq(postqueueStdout);
  expect(ours.header).toBe(theirs.header);
  expect(ours.footer).toBe(theirs.footer);
  expect([...ours.blocks].sort()).toEqual([...theirs.blocks].sort());
  // Same number of lines overall: nothing extra between the blocks.
  expect(postqStdout.split('\n').length).toBe(postqueueStdout.split('\n').length);
}
