// Writes test/setup/durations.json (file -> ms) from a vitest JSON report, for the
// longest-first sequencer (test/setup/longest-first.ts says why).
// Usage: npx vitest run --reporter=json --outputFile=/tmp/vitest.json; node scripts/test-durations.mjs /tmp/vitest.json
// A stale entry (a file since renamed) is harmless: the sequencer only looks names up.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const report = JSON.parse(readFileSync(process.argv[2] ?? '/tmp/vitest.json', 'utf8'));
const durations = Object.fromEntries(
  report.testResults
    .map((r) => [relative(process.cwd(), r.name), Math.round(r.endTime - r.startTime)])
    .sort((a, b) => b[1] - a[1]),
);
writeFileSync('test/setup/durations.json', `${JSON.stringify(durations, null, 1)}\n`);
console.log(`${Object.keys(durations).length} files`);
