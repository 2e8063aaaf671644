#!/usr/bin/env node
/**
 * Composition root: argv -> config -> command. Wiring only; each command lives in src/cli/.
 * Exit codes: 0 ok, 1 a message could not be read, 2 usage, 3 spool not readable.
 */
import { runMain } from './cli/main.js';

process.exitCode = await runMain(process.argv.slice(2));
