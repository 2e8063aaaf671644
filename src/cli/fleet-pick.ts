/**
 * `--pick` on a fleet: the marked ids of every console left with `q` (a target opened alone,
 * or the merged view), printed on stdout when the overview is left with `q`, as the
 * single-spool console prints its marks (pick.ts). A queue id is valid on its host only, so
 * with more than one target each line is `ID<TAB>TARGET` (a label may hold spaces:
 * `exec:docker exec -i mx`), sorted by target then id; with one target the lines are bare ids,
 * as `postq --pick` prints them, ready for `ssh HOST postsuper -d -`. Nothing is printed
 * after a signal or with no marks.
 */
import { splitMergedId } from '../remote/merged.js';

export class FleetPicks {
  private readonly byLabel = new Map<string, Set<string>>();

  /** The marks of a target's own console (bare ids). */
  addTarget(label: string, ids: Iterable<string>): void {
    for (const id of ids) this.add(label, id);
  }

  /** The marks of the merged view (ids `ID@TARGET`). */
  addMerged(ids: Iterable<string>): void {
    for (const id of ids) {
      const split = splitMergedId(id);
      if (split) this.add(split.label, split.queueId);
    }
  }

  private add(label: string, queueId: string): void {
    const set = this.byLabel.get(label) ?? new Set<string>();
    set.add(queueId);
    this.byLabel.set(label, set);
  }

  /** The lines to print: bare ids for a one-target fleet, else `ID\tTARGET`. */
  format(targetCount: number): string {
    const rows: Array<[string, string]> = [];
    for (const [label, ids] of this.byLabel) for (const id of ids) rows.push([label, id]);
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    return rows.map(([label, id]) => (targetCount === 1 ? `${id}\n` : `${id}\t${label}\n`)).join('');
  }
}
