#!/usr/bin/env node
/**
 * `npm test`'s compile (scripts/test.sh): dist/ emitted as `tsc -p tsconfig.build.json
 * --noCheck` emits it, then the type-check of `tsc -p tsconfig.json --noEmit`, in one process
 * that parses and binds each file once.
 *
 * Why: the two tsc runs each parsed and bound every file they reach, ~100,000 lines of
 * declarations (@types/node, React's, Ink's) beside src/'s ~28,000: the emit was ~6.4 s of CPU
 * of which ~1 s is its own work. Here the emit's program (src/, the build's options, noCheck)
 * and then the check's (src/, test/, bench/, scripts/) share one compiler host that hands
 * both the same parsed files; the binder skips a file already bound, and the options that
 * could change a parse or a bind are the same in both configs (tsconfig.build.json extends
 * tsconfig.json with rootDir, outDir and sourceMap only).
 *
 * Usage: node scripts/emit-and-check.mjs READY_FILE. Once dist/ is written, READY_FILE is
 * created (the tests may start); then the type-check runs. Exit 0 when both are clean; 1 with
 * tsc's diagnostics (the same text tsc prints, not pretty) on stdout; 2 if the emit failed,
 * before READY_FILE is made.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Required, not imported: an import of its 9 MB CommonJS file has Node scan it for export names first.
const ts = createRequire(import.meta.url)('typescript');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ready = process.argv[2];
if (!ready) throw new Error('usage: node scripts/emit-and-check.mjs READY_FILE');

const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => ts.sys.newLine };
function readConfig(name, extra) {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, name), extra, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => report([d], 2) });
  if (parsed.errors.length > 0) report(parsed.errors, 2);
  return parsed;
}
function report(diagnostics, status) {
  process.stdout.write(ts.formatDiagnostics(diagnostics, formatHost));
  process.exit(status);
}

// One parse of each file for both programs (tsc's own host otherwise).
const build = readConfig('tsconfig.build.json', { noCheck: true });
const check = readConfig('tsconfig.json', {});
const host = ts.createCompilerHost(check.options);
const parsed = new Map();
const getSourceFile = host.getSourceFile;
host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
  const key = `${fileName}\0${typeof languageVersion === 'object' ? `${languageVersion.languageVersion}/${languageVersion.impliedNodeFormat}` : languageVersion}`;
  let file = parsed.get(key);
  if (!file || shouldCreate) {
    file = getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
    parsed.set(key, file);
  }
  return file;
};

const emitProgram = ts.createProgram({ rootNames: build.fileNames, options: build.options, host, projectReferences: build.projectReferences });
// What `tsc --noCheck` reports: option, syntax and emit errors.
const emitted = emitProgram.emit();
const emitErrors = [...emitProgram.getConfigFileParsingDiagnostics(), ...emitProgram.getOptionsDiagnostics(), ...emitProgram.getSyntacticDiagnostics(), ...emitProgram.getGlobalDiagnostics(), ...emitted.diagnostics];
if (emitted.emitSkipped || emitErrors.length > 0) report(ts.sortAndDeduplicateDiagnostics(emitErrors), 2);
chmodSync(join(build.options.outDir, 'cli.js'), 0o755);
writeFileSync(ready, '');

const checkProgram = ts.createProgram({ rootNames: check.fileNames, options: check.options, host, projectReferences: check.projectReferences });
const diagnostics = ts.getPreEmitDiagnostics(checkProgram);
if (diagnostics.length > 0) report(diagnostics, 1);
