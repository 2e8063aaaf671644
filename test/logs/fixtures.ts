/** Shared inputs of the log tests: the corpus's real Postfix log and helpers over it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_ROOT } from '../helpers/corpus.js';
import type { LogPlan } from '../../src/logs/find-log.js';
import { mentionsId } from '../../src/logs/trail-collate.js';

export const CORPUS_LOG = join(CORPUS_ROOT, 'basic', 'oracle', 'maillog.txt');
export const corpusLogText = () => readFileSync(CORPUS_LOG, 'utf8');

/** Every queue id that leads a line of the text. */
export function leadingIds(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/\]: (?:warning: )?([0-9A-F]{8,12}): /g)) ids.add(m[1]!);
  return [...ids];
}

/** What `grep -w ID` would print. */
export const linesNaming = (text: string, id: string) => text.split('\n').filter((l) => l !== '' && mentionsId(l, id));

export const filePlan = (...paths: string[]): LogPlan => ({
  sources: paths.map((path) => ({ kind: 'file' as const, path, files: [path] })),
  how: 'test',
  looked: [],
});
