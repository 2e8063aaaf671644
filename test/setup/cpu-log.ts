/**
 * Per-file CPU, for work on test time (`npm run test:cpu`): with POSTQ_TEST_CPU_LOG=FILE, each
 * test file appends one JSON line: its worker's CPU over the file, every child it waited for
 * (spawned CLIs, postqueue, tmux commands) and the programs it ran in tmux panes (tmux.ts
 * counts them on close). Postfix's daemons and tmux servers are not counted. On a machine
 * shared with other work, wall time says little; CPU adds up the same. Without the variable
 * this registers nothing.
 */
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { cpuLogEnabled, procCpuMs, takeOutsideCpu } from '../helpers/cpu-account.js';

if (cpuLogEnabled) {
  // From here (vitest runs setup files before each test file is imported): the file's
  // transform and imports count too.
  const start = procCpuMs('self')!;
  const startWall = Date.now();
  takeOutsideCpu();
  let file = '';
  // The hook context must be destructured (vitest parses it as fixtures); the file is the 2nd argument.
  beforeAll(({}, suite) => {
    file = (suite as { filepath?: string }).filepath ?? suite.name;
  });
  afterAll(() => {
    const end = procCpuMs('self')!;
    const line = {
      file,
      wallMs: Date.now() - startWall,
      selfMs: end.self - start.self,
      childrenMs: end.children - start.children,
      paneMs: takeOutsideCpu(),
      // Of selfMs + childrenMs (the panes' programs are not split).
      sysMs: end.sys - start.sys,
    };
    appendFileSync(process.env['POSTQ_TEST_CPU_LOG']!, `${JSON.stringify({ ...line, cpuMs: line.selfMs + line.childrenMs + line.paneMs })}\n`);
  });
}
