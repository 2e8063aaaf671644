/**
 * Child process for large-log.test.ts and the bench: search FILE for ID and print the lines
 * found and how much the peak RSS grew during the search (process.resourceUsage().maxRSS).
 */
import { searchLog } from '../../src/logs/search-log.js';

const [file, id] = process.argv.slice(2);
const before = process.resourceUsage().maxRSS;
const result = await searchLog({ sources: [{ kind: 'file', path: file!, files: [file!] }], how: 'probe', looked: [] }, { ids: [id!], follow: true });
const after = process.resourceUsage().maxRSS;
const lines = result.trail.transactions.reduce((n, t) => n + t.entries.length, 0);
process.stdout.write(JSON.stringify({ lines, bytes: result.read[0]?.bytes ?? 0, rssGrowthKb: after - before, failed: result.failed }) + '\n');
