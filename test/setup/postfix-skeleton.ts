/**
 * Global setup: a directory for this run's Postfix queue skeleton (postfix-queue-skeleton.ts
 * says why), handed to the test workers as POSTQ_POSTFIX_SKELETON. Nothing is made in it until a
 * test starts a private Postfix instance; the directory goes at the end of the run.
 */
import { rmSync } from 'node:fs';
import { BASE } from '../helpers/postfix-instance.js';
import { reserveSkeletonDir } from '../helpers/postfix-queue-skeleton.js';

export default function setup(): () => void {
  const dir = reserveSkeletonDir(BASE);
  process.env['POSTQ_POSTFIX_SKELETON'] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
