#!/usr/bin/env node
/**
 * Composition root: argv -> config -> command. Wiring only; each command lives in src/cli/.
 * Exit codes: 0 ok, 1 a message could not be read, 2 usage, 3 spool not readable, 5 Node too old.
 *
 * NODE_ENV defaults to production, set before React loads (hence the dynamic import): React's
 * development reconciler logs a performance.measure() with a props diff for most component
 * renders, and Node keeps every measure in its timeline for the life of the process (~100 a
 * second in the demo, about 1.5 KB each): a console left open grew to gigabytes.
 */
// First: on a Node too old for what follows, one clear line and exit 5 (node-check.ts).
import './node-check.js';
import { forgetLostTerminalOnExit } from './ui/lost-terminal.js';

// A killed tmux pane or a dropped ssh session: leave without Node's ResetStdio assertion.
forgetLostTerminalOnExit();
process.env['NODE_ENV'] ??= 'production';
const { runMain } = await import('./cli/main.js');

process.exitCode = await runMain(process.argv.slice(2));
