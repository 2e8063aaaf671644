/**
 * The layering rule, checked on the source text: src/store, src/spool and src/domain import
 * no react, ink, fs, child_process or chokidar; src/store reaches only zustand/vanilla,
 * re2js (the pure linear-time regex engine for user filters) and the store, domain and spool
 * layers; src/domain imports nothing from the rest of src/; src/config reaches only domain
 * (and itself), never the store or the UI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.js';

const FORBIDDEN = /^(?:node:)?(?:fs|fs\/promises|child_process)$|^(?:react|ink|chokidar)(?:$|\/)|^ink-|^react-/;

/** Every module specifier in static imports/exports, dynamic import() and require(). */
function importSpecifiers(source: string): string[] {
  const specs: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) specs.push(m[1]!);
  return specs;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, d.name);
    if (d.isDirectory()) out.push(...sourceFiles(abs));
    else if (/\.(?:ts|tsx|mts|js|mjs)$/.test(d.name)) out.push(abs);
  }
  return out;
}

describe('layering', () => {
  it('finds imports in every form, so a violation cannot hide', () => {
    const sample = [
      "import { readFileSync } from 'node:fs';",
      'import React from "react";',
      "import type { Foo } from 'ink';",
      "export { x } from 'chokidar';",
      "import 'fs/promises';",
      "const cp = await import('node:child_process');",
      "const fs = require('fs');",
      "import {\n  render,\n} from 'ink-testing-library';",
    ].join('\n');
    const bad = importSpecifiers(sample).filter((s) => FORBIDDEN.test(s));
    expect(bad).toEqual(['node:fs', 'react', 'ink', 'chokidar', 'ink-testing-library', 'fs/promises', 'node:child_process', 'fs']);
    expect(FORBIDDEN.test('zustand/vanilla')).toBe(false);
    expect(FORBIDDEN.test('../domain/queue.js')).toBe(false);
  });

  for (const layer of ['store', 'spool', 'domain']) {
    it(`src/${layer} imports no react, ink, fs, child_process or chokidar`, () => {
      const files = sourceFiles(resolve(REPO_ROOT, 'src', layer));
      expect(files.length).toBeGreaterThan(0);
      const violations: string[] = [];
      for (const file of files) {
        for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
          if (FORBIDDEN.test(spec)) violations.push(`${relative(REPO_ROOT, file)}: ${spec}`);
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it('src/store reaches only zustand/vanilla, re2js and the store, domain and spool layers', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(resolve(REPO_ROOT, 'src/store'))) {
      for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
        const ok = spec === 'zustand/vanilla' || spec === 're2js' || /^\.\/[^/]+$/.test(spec) || /^\.\.\/(?:domain|spool)\/[^/]+$/.test(spec);
        if (!ok) violations.push(`${relative(REPO_ROOT, file)}: ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  /** Relative imports of `layer` that leave it for a folder not in `allowed`. */
  function reachesOutside(layer: string, allowed: readonly string[]): string[] {
    const violations: string[] = [];
    for (const file of sourceFiles(resolve(REPO_ROOT, 'src', layer))) {
      for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
        const folder = /^\.\.\/([^/]+)\//.exec(spec)?.[1];
        if (spec.startsWith('../') && (folder === undefined || !allowed.includes(folder))) violations.push(`${relative(REPO_ROOT, file)}: ${spec}`);
      }
    }
    return violations;
  }

  it('src/domain imports nothing from the rest of src/', () => {
    expect(reachesOutside('domain', [])).toEqual([]);
  });

  it('src/config reaches only src/domain (the age units live there, not in the store)', () => {
    expect(reachesOutside('config', ['domain'])).toEqual([]);
  });
});
