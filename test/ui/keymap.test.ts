/**
 * The key map as data: no key means two things in one mode, every binding is reachable and
 * documented, key names come out of Ink's input the way the dispatcher expects.
 */
import { describe, expect, it } from 'vitest';
import type { Key } from 'ink';
import { BINDINGS, bindingFor, disabledReason, keyNamesOf, keySequence, pressSequence, type KeyMode } from '../../src/ui/keymap.js';
import { helpLines } from '../../src/ui/components/help-view.js';

const MODES: KeyMode[] = ['list', 'filter', 'confirm', 'pane', 'help', 'shape', 'groups'];
const noKey = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false } as Key;

describe('bindings', () => {
  it('ids are unique and dotted', () => {
    const ids = BINDINGS.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
  });

  it('no key is bound twice in one mode (except `q`: close the overlay before quitting)', () => {
    for (const mode of MODES) {
      const seen = new Map<string, string>();
      for (const b of BINDINGS.filter((x) => x.when.includes(mode))) {
        for (const key of b.keys) {
          if (b.id === 'app.quit' && key === 'q' && seen.get(key)?.endsWith('.close')) continue;
          expect(seen.get(key), `${mode}: ${key} is ${seen.get(key)} and ${b.id}`).toBeUndefined();
          seen.set(key, b.id);
        }
      }
    }
  });

  it('every binding is what its first key triggers in its first mode', () => {
    for (const b of BINDINGS) expect(bindingFor(b.when[0]!, b.keys[0]!)?.id).toBe(b.id);
  });

  it('actions that change the queue are Shift-letters, dangerous, and never bound in text modes', () => {
    for (const b of BINDINGS.filter((x) => x.action)) {
      expect(b.dangerous).toBe(true);
      expect(b.keys.every((k) => /^[A-Z]$/.test(k))).toBe(true);
      // The list acts on the cursor or marks, the who/why view on the group under its cursor,
      // and the pane has `F` (deliver now and watch the log): never a text mode.
      expect([['list'], ['groups'], ['pane']]).toContainEqual(b.when);
      if (b.when[0] === 'pane') expect(b.action).toBe('deliver');
    }
    expect(bindingFor('list', 'escape')?.dangerous).toBeUndefined();
  });

  it('q only quits outside text fields; ctrl-c quits everywhere', () => {
    expect(bindingFor('filter', 'q')).toBeNull();
    expect(bindingFor('confirm', 'q')).toBeNull();
    for (const mode of MODES) expect(bindingFor(mode, 'ctrl+c')?.id).toBe('app.quit');
    expect(bindingFor('pane', 'q')?.id).toBe('pane.close');
    expect(bindingFor('help', 'q')?.id).toBe('help.close');
  });

  it('help lists every binding; in read-only mode actions say why they are disabled', () => {
    const ctx = { actionsDisabled: 'read-only mode', supports: () => false };
    const text = helpLines(ctx, 200).map((l) => l.segments.map((s) => s.text).join('')).join('\n');
    for (const b of BINDINGS) expect(text).toContain(b.description);
    expect(text).toContain('✗ disabled: read-only mode');
    expect(disabledReason(BINDINGS.find((b) => b.id === 'queue.hold')!, ctx)).toBe('read-only mode');
    const partial = { actionsDisabled: null, supports: (a: string) => a !== 'expire' };
    expect(disabledReason(BINDINGS.find((b) => b.id === 'queue.expire')!, partial)).toMatch(/cannot expire/);
    expect(disabledReason(BINDINGS.find((b) => b.id === 'queue.hold')!, partial)).toBeNull();
  });
});

describe('keyNamesOf / keySequence', () => {
  it('maps Ink key flags and characters to names', () => {
    expect(keyNamesOf('', { ...noKey, downArrow: true })).toEqual(['down']);
    expect(keyNamesOf('', { ...noKey, escape: true, meta: true })).toEqual(['escape']);
    expect(keyNamesOf('\r', { ...noKey, return: true })).toEqual(['enter']);
    expect(keyNamesOf('\n', noKey)).toEqual(['enter']); // typed before raw mode was on
    expect(keyNamesOf('d', { ...noKey, ctrl: true })).toEqual(['ctrl+d']);
    expect(keyNamesOf('H', { ...noKey, shift: true })).toEqual(['H']);
    expect(keyNamesOf(' ', noKey)).toEqual(['space']);
    expect(keyNamesOf('', { ...noKey, delete: true })).toEqual(['backspace']);
  });
  it('a run of characters (key repeat, paste, fast typing) is one name each, control bytes too', () => {
    expect(keyNamesOf('jjj', noKey)).toEqual(['j', 'j', 'j']);
    expect(keyNamesOf('a b', noKey)).toEqual(['a', 'space', 'b']);
    expect(keyNamesOf('/\x15id', noKey)).toEqual(['/', 'ctrl+u', 'i', 'd']);
    expect(keyNamesOf('x\x1b[31my\x07\u009b', noKey)).toEqual(['x', '[', '3', '1', 'm', 'y', 'ctrl+g']);
  });
  it('keySequence gives the bytes a terminal sends', () => {
    expect(keySequence('down')).toBe('\x1b[B');
    expect(keySequence('ctrl+d')).toBe('\x04');
    expect(keySequence('space')).toBe(' ');
    expect(pressSequence('queue.hold')).toBe('H');
    expect(pressSequence('pane.close')).toBe('\x1b');
  });
});
