/**
 * The crumbs line under the header: queue view, rows shown of total, the filter (always
 * visible while it applies, or the line being edited with its parse error), marks (and how
 * many the view hides), sort; while a header:/body: filter reads the messages, how far it got.
 */
import React from 'react';
import type { ContentSearch, Flash, QueueFilter } from '../../store/console-state.js';
import type { FilterParseError } from '../../store/filter-parse.js';
import { SORT_LABELS, type SortKey } from '../../store/sort.js';
import { printable } from '../../spool/printable.js';
import { formatCount } from '../../domain/count-format.js';
import { Line, type Segment } from '../theme-context.js';

export interface CrumbsProps {
  queueFilter: QueueFilter;
  shown: number;
  total: number;
  filterText: string;
  /** The text being typed after `/`, or null when not editing. */
  draft: string | null;
  filterError: FilterParseError | null;
  marked: number;
  markedHidden: number;
  sortKey: SortKey;
  sortReverse: boolean;
  width: number;
  /** A header:/body: search still reading messages, or null. */
  search?: ContentSearch | null;
}

const searchText = (search: ContentSearch) => `searching ${formatCount(search.done)} of ${formatCount(search.total)}`;

/**
 * Layouts without a crumbs line (the monitor) show a running search on the flash line instead,
 * with the filter it is for: the monitor shows no filter. Null when no search runs.
 */
export function searchFlash(search: ContentSearch | null, filterText: string): Flash | null {
  return search ? { text: `${searchText(search)} for ${filterText}`, level: 'warn', at: 0 } : null;
}

export function Crumbs(p: CrumbsProps): React.ReactElement {
  const segs: Segment[] = [{ text: p.queueFilter === 'all' ? 'all queues' : p.queueFilter, token: 'accent' }];
  segs.push({ text: ` ${formatCount(p.shown)}${p.shown !== p.total ? ` of ${formatCount(p.total)}` : ''}`, token: 'text' });
  // Before the filter: a narrow line still shows that the count is not final.
  if (p.search) segs.push({ text: `  ${searchText(p.search)}`, token: 'status.warn' });
  if (p.draft !== null) {
    // The draft from the error's position on is in the error colour: where it went wrong.
    const at = p.filterError ? Math.min(p.filterError.position, p.draft.length) : p.draft.length;
    segs.push({ text: '  /', token: 'key' }, { text: printable(p.draft.slice(0, at)), token: 'filter' });
    if (at < p.draft.length) segs.push({ text: printable(p.draft.slice(at)), token: 'status.error' });
    segs.push({ text: '▏', token: 'key' });
    if (p.filterError) segs.push({ text: `  ✗ col ${p.filterError.position + 1}: ${printable(p.filterError.message)}`, token: 'status.error' });
  } else if (p.filterText) {
    segs.push({ text: '  filter ', token: 'muted' }, { text: printable(p.filterText), token: 'filter' });
    if (p.filterError) segs.push({ text: ' ✗', token: 'status.error' });
  }
  if (p.marked > 0) {
    segs.push({ text: `  marked ${formatCount(p.marked)}`, token: 'marked' });
    if (p.markedHidden > 0) segs.push({ text: ` (${formatCount(p.markedHidden)} hidden)`, token: 'status.warn' });
  }
  segs.push({ text: `  sort ${SORT_LABELS[p.sortKey]}${p.sortReverse ? ' ↓' : ' ↑'}`, token: 'muted' });
  return <Line segments={segs} width={p.width} />;
}
