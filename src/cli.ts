#!/usr/bin/env node
/**
 * Composition root: argv -> config -> command. Wiring only; each command lives in src/cli/.
 * Exit codes: 0 ok, 1 a message could not be read, 2 usage, 3 spool not readable, 5 Node too old.
 *
 * NODE_ENV is set to production before React loads (hence the dynamic import), whatever the
 * caller's environment says: React's development reconciler logs a performance.measure() with
 * a props diff for most component renders, and Node keeps every measure in its timeline for
 * the life of the process (~100 a second in the demo, about 1.5 KB each): a console left open
 * grew to gigabytes. A shell with NODE_ENV=development (or a test runner's NODE_ENV=test) did
 * the same until this stopped deferring to it; the single-file bundle is built the same way.
 * POSTQ_REACT_DEVELOPMENT=1 keeps React's development build, for debugging only.
 */
// First: on a Node too old for what follows, one clear line and exit 5 (node-check.ts).
import './node-check.js';
import { runsInListPart } from './cli/list-part.js';
import { forgetLostTerminalOnExit } from './ui/lost-terminal.js';

// A killed tmux pane or a dropped ssh session: leave without Node's ResetStdio assertion.
forgetLostTerminalOnExit();
if (process.env['POSTQ_REACT_DEVELOPMENT'] !== '1') process.env['NODE_ENV'] = 'production';
// `list` and `count` on this host (runList/runCount: the command lines the bundle's list part
// runs, not the fleet's forms) hold the main thread's young generation at V8's smallest: held
// here, before the rest of the program is compiled and run, since that start alone grew it to
// 2 x 2 MB before runList() could hold it (young-generation.ts; young-generation-product.test.ts).
if (runsInListPart(process.argv.slice(2))) (await import('./cli/young-generation.js')).holdYoungGeneration();
const { runMain } = await import('./cli/main.js');

const code = await runMain(process.argv.slice(2));
// A signal that ended the console set its status already (128 + N, render-console.tsx): keep it.
process.exitCode = Number(process.exitCode ?? 0) || code;
