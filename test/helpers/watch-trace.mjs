// Preload (node --import): module-trace.mjs's trace of every module resolved, plus a line
// `watch PATH` in the same file each time the process calls fs.watch (the spool watcher's first
// act on the spool), so a test can say whether a watcher started before some code was loaded.
import './module-trace.mjs';
import { appendFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

const fs = createRequire(import.meta.url)('node:fs');
const file = process.env.POSTQ_MODULE_TRACE;
const watch = fs.watch;
fs.watch = function tracedWatch(path, ...rest) {
  if (file) appendFileSync(file, `watch ${path}\n`);
  return watch.call(this, path, ...rest);
};
// ES modules' `import { watch } from 'node:fs'` see the traced one too.
syncBuiltinESMExports();
