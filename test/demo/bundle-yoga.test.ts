/**
 * The single-file bundle's yoga-layout (Ink's layout engine, scripts/bundle-adaptations.mjs)
 * decodes its embedded WebAssembly without fetch(): fetch of its data: URL loaded Node's
 * undici for nothing (8 MiB of the console's RSS). Built with the bundle's plugin, run with a
 * fetch that records each call: none, and the engine lays out as before.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.js';
// @ts-expect-error: a plain .mjs build script without types
import { bundleAdaptations } from '../../scripts/bundle-adaptations.mjs';

const dir = mkdtempSync(join(tmpdir(), 'postq-bundle-yoga-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('yoga loads its wasm without fetch() and lays out a box', async () => {
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, `
    const calls = [];
    globalThis.fetch = (url) => { calls.push(String(url).slice(0, 30)); return Promise.reject(new Error('no fetch here')); };
    const { default: Yoga } = await import('yoga-layout');
    const root = Yoga.Node.create();
    root.setWidth(80);
    const child = Yoga.Node.create();
    child.setFlexGrow(1);
    child.setHeight(3);
    root.insertChild(child, 0);
    root.calculateLayout(undefined, undefined, Yoga.DIRECTION_LTR);
    process.stdout.write(JSON.stringify({ calls, width: child.getComputedWidth(), height: root.getComputedHeight() }));
  `);
  const outfile = join(dir, 'yoga.mjs');
  await build({ entryPoints: [entry], absWorkingDir: REPO_ROOT, nodePaths: [join(REPO_ROOT, 'node_modules')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error', plugins: [bundleAdaptations()] });
  const result = JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 30_000 })) as { calls: string[]; width: number; height: number };
  expect(result.calls).toEqual([]);
  expect(result).toMatchObject({ width: 80, height: 3 });
}, 60_000);
