// Preload (node --import) that records every module the process loads, one URL a line, in
// the file $POSTQ_MODULE_TRACE: a resolve hook (run in Node's hooks thread) sees static and
// dynamic imports alike, so a test can say which code a command really pulls in.
import { register } from 'node:module';

register(new URL('./module-trace-hooks.mjs', import.meta.url), { data: { file: process.env.POSTQ_MODULE_TRACE } });
