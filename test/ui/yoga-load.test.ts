/**
 * yoga (Ink's layout engine) loaded without Node's fetch (src/ui/yoga-load.ts, run by
 * before-ink.ts ahead of Ink): in a fresh process whose global fetch records its calls, the
 * built before-ink module and then Ink and a render make no fetch call, the global fetch is
 * the recorder again afterwards, and Ink lays out as before. Without it yoga's loader fetched
 * its own wasm as Ink loaded (one call; Node's fetch then loads undici, ~8 MiB).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.js';
import { ensureBuilt } from '../helpers/postq-cli.js';

beforeAll(async () => {
  await ensureBuilt();
});

function run(prepare: boolean): { calls: number; restored: boolean; frame: string } {
  const beforeInk = pathToFileURL(join(REPO_ROOT, 'dist', 'ui', 'before-ink.js')).href;
  const script = `
    let calls = 0;
    const recorder = (...args) => { calls++; return Promise.reject(new Error('no network here')); };
    globalThis.fetch = recorder;
    ${prepare ? `await (await import(${JSON.stringify(beforeInk)})).beforeInk();` : ''}
    const { renderToString, Box, Text } = await import('ink');
    const React = (await import('react')).default;
    const frame = renderToString(React.createElement(Box, { width: 12, justifyContent: 'flex-end' }, React.createElement(Text, null, 'queue')));
    console.log(JSON.stringify({ calls, restored: globalThis.fetch === recorder, frame }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { calls: number; restored: boolean; frame: string };
}

describe('yoga loaded before Ink, without fetch', () => {
  it('makes no fetch call, puts the global fetch back, and Ink lays out as before', () => {
    const without = run(false);
    // The case it fixes, as Ink ships: yoga's loader fetches its wasm (then decodes it after the refusal).
    expect(without.calls).toBe(1);
    const prepared = run(true);
    expect(prepared).toEqual({ calls: 0, restored: true, frame: without.frame });
    expect(prepared.frame).toBe('       queue');
  });
});
