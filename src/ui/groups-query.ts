/**
 * The who/why view's data for the queue in view (all queues = every queue but corrupt, as
 * qshape reads them): the groups, sorted as the view asks, and its title. Pure.
 */
import { QUEUE_NAMES } from '../domain/queue.js';
import type { ConsoleData } from '../store/console-state.js';
import { GROUP_BYS, GROUP_SORTS, selectSortedGroups, type GroupBy, type GroupRow, type GroupSort } from '../store/groupings.js';
import type { UiState } from './ui-state.js';

const TITLES: Record<GroupBy, string> = {
  reason: 'why: reason clusters x domain',
  domain: 'by recipient domain',
  sender: 'who: by sender',
  sasl: 'who: by SASL login',
  client: 'who: by client',
};

export function currentGroups(state: ConsoleData, ui: Pick<UiState, 'groupsBy' | 'groupsSort' | 'groupsReverse'>): { rows: GroupRow[]; title: string } {
  const queues = state.queueFilter === 'all' ? QUEUE_NAMES.filter((q) => q !== 'corrupt') : [state.queueFilter];
  const rows = selectSortedGroups(state, ui.groupsBy, queues, ui.groupsSort, ui.groupsReverse);
  const where = state.queueFilter === 'all' ? 'all queues' : state.queueFilter;
  return { rows, title: `${TITLES[ui.groupsBy]}, ${where}, by ${ui.groupsSort}${ui.groupsReverse ? ' ↓' : ''}` };
}

export const nextGroupBy = (by: GroupBy): GroupBy => GROUP_BYS[(GROUP_BYS.indexOf(by) + 1) % GROUP_BYS.length]!;
export const nextGroupSort = (sort: GroupSort): GroupSort => GROUP_SORTS[(GROUP_SORTS.indexOf(sort) + 1) % GROUP_SORTS.length]!;
