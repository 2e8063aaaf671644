/**
 * The key map as data: one table feeds the input dispatcher, the help overlay and the tests
 * (which press binding ids, not characters). Principles (ux-research 8.1): lower case looks and
 * moves; Shift-letters change the queue, always behind a confirmation; Esc never mutates.
 * A binding's `when` says in which mode it is live. Disabled reasons are computed at run time
 * (read-only mode, a backend that lacks the action) and shown in help.
 */
import type { Key } from 'ink';
import type { ActionName } from '../domain/backend.js';

export type KeyMode = 'list' | 'filter' | 'confirm' | 'pane' | 'search' | 'help' | 'shape' | 'groups' | 'monitor';

export interface Binding {
  id: string;
  /** Normalised key names (see keyNamesOf): 'j', 'down', 'ctrl+d', 'enter', 'space', 'H'. */
  keys: string[];
  /** How help shows the keys. */
  label: string;
  description: string;
  group: 'Move' | 'View' | 'Marks' | 'Actions' | 'Message' | 'Shape' | 'Groups' | 'Monitor' | 'Help' | 'Filter' | 'Confirm';
  when: KeyMode[];
  /** Changes the queue: needs confirmation, gone in read-only mode. */
  dangerous?: boolean;
  action?: ActionName;
}

const L: KeyMode[] = ['list'];
/** Queue keys work in the list and in the qshape view (which shows the queue in view). */
const LS: KeyMode[] = ['list', 'shape', 'groups'];
const G: KeyMode[] = ['groups'];
const b = (id: string, keys: string[], label: string, description: string, group: Binding['group'], when: KeyMode[], extra: Partial<Binding> = {}): Binding =>
  ({ id, keys, label, description, group, when, ...extra });

export const BINDINGS: readonly Binding[] = [
  b('list.down', ['j', 'down'], 'j ↓', 'cursor down', 'Move', L),
  b('list.up', ['k', 'up'], 'k ↑', 'cursor up', 'Move', L),
  b('list.halfPageDown', ['ctrl+d'], 'C-d', 'half page down', 'Move', L),
  b('list.halfPageUp', ['ctrl+u'], 'C-u', 'half page up', 'Move', L),
  b('list.pageDown', ['pagedown', 'ctrl+f'], 'PgDn C-f', 'page down', 'Move', L),
  b('list.pageUp', ['pageup', 'ctrl+b'], 'PgUp C-b', 'page up', 'Move', L),
  b('list.top', ['g', 'home'], 'g Home', 'first message', 'Move', L),
  b('list.bottom', ['G', 'end'], 'G End', 'last message', 'Move', L),
  b('queue.all', ['0'], '0', 'all queues', 'View', LS),
  b('queue.maildrop', ['1'], '1', 'maildrop', 'View', LS),
  b('queue.incoming', ['2'], '2', 'incoming', 'View', LS),
  b('queue.active', ['3'], '3', 'active', 'View', LS),
  b('queue.deferred', ['4'], '4', 'deferred', 'View', LS),
  b('queue.holdView', ['5'], '5', 'hold', 'View', LS),
  b('queue.corrupt', ['6'], '6', 'corrupt', 'View', LS),
  b('view.sort', ['s'], 's', 'next sort key (age, retry, size, sender, domain, reason, expires)', 'View', L),
  b('view.sortReverse', ['S'], 'S', 'reverse the sort', 'View', L),
  b('view.filter', ['/'], '/', 'filter: from: to: domain: reason: queue: age> size> !neg', 'View', L),
  b('view.clearFilter', ['escape'], 'Esc', 'clear the filter', 'View', L),
  b('view.shape', ['t'], 't', 'qshape: age buckets by domain', 'View', L),
  b('view.why', ['r'], 'r', 'why: reason clusters x domain (b: by sender, login, client, domain)', 'View', L),
  b('view.who', ['w'], 'w', 'who: messages by SASL login (b: client, sender, domain, reason)', 'View', L),
  b('view.whoColumns', ['i'], 'i', 'who columns: SASL login, client, both, none', 'View', L),
  b('view.monitor', ['m'], 'm', 'monitor: sparklines of the last 10 min and hour, arrivals, departures, oldest age', 'View', L),
  b('view.pause', ['p'], 'p', 'pause / resume live updates', 'View', L),
  b('view.repaint', ['ctrl+l'], 'C-l', 'repaint the screen', 'View', ['list', 'pane', 'help', 'shape', 'groups', 'monitor']),
  b('mark.toggle', ['space'], 'Space', 'mark / unmark, then move down', 'Marks', L),
  b('mark.range', ['v'], 'v', 'mark from the last mark to the cursor', 'Marks', L),
  b('mark.allMatching', ['a'], 'a', 'mark every message the filter shows', 'Marks', L),
  b('mark.clear', ['u'], 'u', 'clear all marks', 'Marks', L),
  b('mark.copy', ['c'], 'c', 'copy the marked ids (or the cursor id) to the clipboard (OSC 52)', 'Marks', L),
  b('queue.hold', ['H'], 'H', 'hold (postsuper -h)', 'Actions', L, { dangerous: true, action: 'hold' }),
  b('queue.release', ['L'], 'L', 'release from hold (postsuper -H)', 'Actions', L, { dangerous: true, action: 'release' }),
  b('queue.requeue', ['R'], 'R', 'requeue (postsuper -r)', 'Actions', L, { dangerous: true, action: 'requeue' }),
  b('queue.delete', ['D'], 'D', 'delete (postsuper -d)', 'Actions', L, { dangerous: true, action: 'delete' }),
  b('queue.expire', ['E'], 'E', 'expire: bounce at next attempt (postsuper -e)', 'Actions', L, { dangerous: true, action: 'expire' }),
  b('queue.deliver', ['F'], 'F', 'deliver now (postqueue -i)', 'Actions', L, { dangerous: true, action: 'deliver' }),
  b('pane.open', ['enter'], 'Enter', 'open the message (envelope, headers, body)', 'Message', L),
  b('pane.down', ['j', 'down'], 'j ↓', 'scroll down', 'Message', ['pane']),
  b('pane.up', ['k', 'up'], 'k ↑', 'scroll up', 'Message', ['pane']),
  b('pane.pageDown', ['space', 'pagedown', 'ctrl+d', 'ctrl+f'], 'Space PgDn', 'page down', 'Message', ['pane']),
  b('pane.pageUp', ['pageup', 'ctrl+u', 'ctrl+b'], 'PgUp', 'page up', 'Message', ['pane']),
  b('pane.top', ['g', 'home'], 'g', 'top', 'Message', ['pane']),
  b('pane.bottom', ['G', 'end'], 'G', 'bottom', 'Message', ['pane']),
  b('pane.records', ['r'], 'r', 'record dump / postcat view', 'Message', ['pane']),
  b('pane.search', ['/'], '/', 'search in the message (Enter finds)', 'Message', ['pane']),
  b('pane.next', ['n'], 'n', 'next match', 'Message', ['pane']),
  b('pane.prev', ['N'], 'N', 'previous match', 'Message', ['pane']),
  b('pane.wrap', ['w'], 'w', 'wrap long lines on / off', 'Message', ['pane']),
  b('pane.log', ['l'], 'l', 'log trail: every log line of this message, live', 'Message', ['pane']),
  b('pane.logLink', ['1', '2', '3', '4', '5', '6', '7', '8', '9'], '1-9', "open a linked id's log trail (bounce, requeue, next hop)", 'Message', ['pane']),
  b('pane.deliver', ['F'], 'F', 'deliver now and watch its log lines arrive', 'Message', ['pane'], { dangerous: true, action: 'deliver' }),
  b('pane.close', ['escape', 'q'], 'Esc q', 'close the message', 'Message', ['pane']),
  b('search.apply', ['enter'], 'Enter', 'find the text', 'Message', ['search']),
  b('search.cancel', ['escape'], 'Esc', 'cancel the search', 'Message', ['search']),
  b('search.backspace', ['backspace'], 'BS', 'delete a character', 'Message', ['search']),
  b('shape.down', ['j', 'down'], 'j ↓', 'next domain', 'Shape', ['shape']),
  b('shape.up', ['k', 'up'], 'k ↑', 'previous domain', 'Shape', ['shape']),
  b('shape.pageDown', ['space', 'pagedown', 'ctrl+d', 'ctrl+f'], 'Space PgDn', 'page down', 'Shape', ['shape']),
  b('shape.pageUp', ['pageup', 'ctrl+u', 'ctrl+b'], 'PgUp', 'page up', 'Shape', ['shape']),
  b('shape.open', ['enter'], 'Enter', "the domain's messages (sets the filter)", 'Shape', ['shape']),
  b('shape.sender', ['s'], 's', 'by sender / recipient domain', 'Shape', ['shape']),
  b('shape.close', ['escape', 'q', 't'], 'Esc q', 'back to the list', 'Shape', ['shape']),
  b('groups.down', ['j', 'down'], 'j ↓', 'next group', 'Groups', G),
  b('groups.up', ['k', 'up'], 'k ↑', 'previous group', 'Groups', G),
  b('groups.pageDown', ['space', 'pagedown', 'ctrl+d', 'ctrl+f'], 'Space PgDn', 'page down', 'Groups', G),
  b('groups.pageUp', ['pageup', 'ctrl+u', 'ctrl+b'], 'PgUp', 'page up', 'Groups', G),
  b('groups.open', ['enter'], 'Enter', "the group's messages in the list (sets the filter)", 'Groups', G),
  b('groups.by', ['b'], 'b', 'group by reason, sender, login, client, domain', 'Groups', G),
  b('groups.sort', ['s'], 's', 'sort by messages, oldest, newest, retry, name', 'Groups', G),
  b('groups.sortReverse', ['S'], 'S', 'reverse the sort', 'Groups', G),
  b('groups.raw', ['x'], 'x', 'raw reason text / cluster', 'Groups', G),
  b('groups.hold', ['H'], 'H', "hold all the group's messages", 'Groups', G, { dangerous: true, action: 'hold' }),
  b('groups.release', ['L'], 'L', "release all the group's messages", 'Groups', G, { dangerous: true, action: 'release' }),
  b('groups.requeue', ['R'], 'R', "requeue all the group's messages", 'Groups', G, { dangerous: true, action: 'requeue' }),
  b('groups.delete', ['D'], 'D', "delete all the group's messages", 'Groups', G, { dangerous: true, action: 'delete' }),
  b('groups.expire', ['E'], 'E', "expire all the group's messages", 'Groups', G, { dangerous: true, action: 'expire' }),
  b('groups.deliver', ['F'], 'F', "deliver all the group's messages now", 'Groups', G, { dangerous: true, action: 'deliver' }),
  b('groups.close', ['escape', 'q'], 'Esc q', 'back to the list', 'Groups', G),
  b('monitor.close', ['m', 'escape'], 'm Esc', 'the full console (any list key also goes there and acts)', 'Monitor', ['monitor']),
  b('filter.apply', ['enter'], 'Enter', 'keep the filter', 'Filter', ['filter']),
  b('filter.cancel', ['escape'], 'Esc', 'cancel editing', 'Filter', ['filter']),
  b('filter.backspace', ['backspace'], 'BS', 'delete a character', 'Filter', ['filter']),
  b('filter.clearLine', ['ctrl+u'], 'C-u', 'clear the line', 'Filter', ['filter']),
  b('confirm.yes', ['y'], 'y', 'confirm', 'Confirm', ['confirm']),
  b('confirm.no', ['n', 'escape'], 'n Esc', 'cancel', 'Confirm', ['confirm']),
  b('confirm.requeueInstead', ['R'], 'R', 'releasing mail past its lifetime: requeue it instead', 'Confirm', ['confirm']),
  b('help.open', ['?'], '?', 'this help', 'Help', L),
  b('help.down', ['j', 'down', 'space', 'pagedown'], 'j ↓', 'scroll help', 'Help', ['help']),
  b('help.up', ['k', 'up', 'pageup'], 'k ↑', 'scroll help back', 'Help', ['help']),
  b('help.close', ['escape', 'q', '?'], 'Esc ? q', 'close help', 'Help', ['help']),
  b('app.quit', ['q', 'ctrl+c'], 'q C-c', 'quit', 'Help', ['list', 'shape', 'groups', 'help', 'pane', 'confirm', 'filter', 'search', 'monitor']),
];

const BY_ID = new Map(BINDINGS.map((x) => [x.id, x]));

export function bindingById(id: string): Binding {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`no binding ${id}`);
  return found;
}

/** Ink's (input, key) -> normalised key names, one per key press (a paste "jjj" is three). */
export function keyNamesOf(input: string, key: Key): string[] {
  if (key.upArrow) return ['up'];
  if (key.downArrow) return ['down'];
  if (key.leftArrow) return ['left'];
  if (key.rightArrow) return ['right'];
  if (key.pageUp) return ['pageup'];
  if (key.pageDown) return ['pagedown'];
  if (key.home) return ['home'];
  if (key.end) return ['end'];
  // Keys typed before raw mode was on arrive as the tty cooked them: CR became LF.
  if (key.return || input === '\r' || input === '\n') return ['enter'];
  if (key.escape) return ['escape'];
  if (key.tab) return [key.shift ? 'shift+tab' : 'tab'];
  if (key.backspace || key.delete) return ['backspace'];
  if (key.ctrl && input.length === 1) return [`ctrl+${input.toLowerCase()}`];
  if (key.meta) return [];
  // Keys sent quickly arrive in one chunk ("/\x15id:x"): control bytes in it are still keys.
  const names: string[] = [];
  for (const ch of input) {
    const code = ch.charCodeAt(0);
    if (ch === '\r' || ch === '\n') names.push('enter');
    else if (ch === ' ') names.push('space');
    else if (ch === '\t') names.push('tab');
    else if (ch === '\x7f' || ch === '\b') names.push('backspace');
    else if (code >= 1 && code <= 26) names.push(`ctrl+${String.fromCharCode(code + 96)}`);
    else if (ch >= ' ' && !(code >= 0x80 && code < 0xa0)) names.push(ch);
  }
  return names;
}

/** The binding a key name triggers in a mode (first in table order wins; app.quit last). */
export function bindingFor(mode: KeyMode, name: string): Binding | null {
  for (const binding of BINDINGS) {
    if (binding.when.includes(mode) && binding.keys.includes(name)) {
      // `q` closes the help and the pane before it quits (table order); in a text field or
      // a confirmation the letter is text, so only ctrl-c quits there.
      if ((mode === 'filter' || mode === 'confirm' || mode === 'search') && binding.id === 'app.quit' && name !== 'ctrl+c') continue;
      return binding;
    }
  }
  return null;
}

/** Raw terminal bytes for a key name: what a test or tmux writes to press it. */
export function keySequence(name: string): string {
  const named: Record<string, string> = {
    up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D', pageup: '\x1b[5~', pagedown: '\x1b[6~',
    home: '\x1b[H', end: '\x1b[F', enter: '\r', escape: '\x1b', tab: '\t', 'shift+tab': '\x1b[Z', backspace: '\x7f', space: ' ',
  };
  if (named[name]) return named[name]!;
  const ctrl = /^ctrl\+([a-z])$/.exec(name);
  if (ctrl) return String.fromCharCode(ctrl[1]!.charCodeAt(0) - 96);
  return name;
}

/** The bytes that press binding `id` (its first key). */
export function pressSequence(id: string): string {
  return keySequence(bindingById(id).keys[0]!);
}

export interface BindingContext {
  /** Why actions are refused (read-only), or null. */
  actionsDisabled: string | null;
  supports: (action: ActionName) => boolean;
}

/** Why a binding does nothing right now, or null when it is live. */
export function disabledReason(binding: Binding, ctx: BindingContext): string | null {
  if (!binding.action) return null;
  if (ctx.actionsDisabled) return ctx.actionsDisabled;
  if (!ctx.supports(binding.action)) return `this backend cannot ${binding.action}`;
  return null;
}
