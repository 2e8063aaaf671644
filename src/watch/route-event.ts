/**
 * Turn one raw fs.watch event (directory, name) into work: a queue-id name in a queue directory
 * marks that path dirty; in the defer tree it marks the id's reasons dirty; a one-character
 * name (or a queue directory under the spool root) may be a new or removed hash subdirectory:
 * watch and list a new one (files may have landed before the watch), forget a removed one.
 *
 * Contract: returns 'dirty' when something was marked, 'rescan' when the event says nothing
 * usable (no name, or a directory that cannot be read) and a reconcile should look, 'ignored'
 * otherwise. Never throws.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { isQueueIdName } from '../domain/queue-id.js';
import { isQueueName } from '../domain/queue.js';
import type { DirWatchers } from './dir-watchers.js';
import { topOf, walkTree } from './list-tree.js';
import { markDirty, type DirtySet } from './refresh.js';
import type { SpoolIndex } from './spool-index.js';

export type Routed = 'dirty' | 'rescan' | 'ignored';

function isDirectory(abs: string): boolean {
  try {
    return lstatSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** A directory appeared or vanished: watch and list it, or forget it and what was in it. */
function adoptDir(root: string, rel: string, dirty: DirtySet, watchers: DirWatchers, index: SpoolIndex): Routed {
  const top = topOf(rel);
  let marked = false;
  if (isDirectory(join(root, rel))) {
    if (watchers.has(rel)) return 'ignored';
    try {
      for (const dir of walkTree(root, rel, top !== 'maildrop', (r) => watchers.add(r))) {
        for (const queueId of dir.ids) {
          if (top === 'defer') markDirty(dirty, queueId, null, true);
          else markDirty(dirty, queueId, `${dir.rel}/${queueId}`);
          marked = true;
        }
      }
    } catch {
      return 'rescan';
    }
    return marked ? 'dirty' : 'ignored';
  }
  if (!watchers.has(rel)) return 'ignored';
  watchers.remove(rel);
  for (const [path, tracked] of index.files) {
    if (path.startsWith(`${rel}/`)) {
      markDirty(dirty, tracked.queueId, path);
      marked = true;
    }
  }
  return marked ? 'dirty' : 'ignored';
}

export function routeEvent(
  root: string,
  relDir: string,
  name: string | null,
  dirty: DirtySet,
  watchers: DirWatchers,
  index: SpoolIndex,
): Routed {
  if (name === null) return 'rescan';
  if (relDir === '') {
    return isQueueName(name) || name === 'defer' ? adoptDir(root, name, dirty, watchers, index) : 'ignored';
  }
  const top = topOf(relDir);
  if (name.length === 1) {
    return top === 'maildrop' ? 'ignored' : adoptDir(root, `${relDir}/${name}`, dirty, watchers, index);
  }
  if (!isQueueIdName(name)) return 'ignored';
  if (top === 'defer') {
    markDirty(dirty, name, null, true);
    return 'dirty';
  }
  if (!isQueueName(top)) return 'ignored';
  markDirty(dirty, name, `${relDir}/${name}`);
  return 'dirty';
}
