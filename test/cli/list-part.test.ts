import { describe, expect, it } from 'vitest';
import { ACTION_COMMANDS } from '../../src/cli/action-command.js';
import { commandFirst } from '../../src/cli/command-first.js';
import { runsInListPart } from '../../src/cli/list-part.js';

describe('runsInListPart: the command lines the bundle runs without the console code', () => {
  it('takes list and count on this host, with their options', () => {
    expect(runsInListPart(['list'])).toBe(true);
    expect(runsInListPart(['list', '--json', '--all', '--spool', '/x'])).toBe(true);
    expect(runsInListPart(['count', '--filter', 'to:example.com', '-c', '/etc/postfix'])).toBe(true);
    expect(runsInListPart(['list', '--help'])).toBe(true);
  });

  it('leaves everything else to the whole program: other commands, the console, and the fleet forms of list and count', () => {
    for (const argv of [[], ['--demo'], ['--spool', '/x'], ['stats'], ['top'], ['cat', 'ABC'], ['hold', 'ABC'], ['--help'], ['--version']]) expect(runsInListPart(argv), argv.join(' ')).toBe(false);
    for (const argv of [['list', '--host', 'mx1'], ['list', '--host=mx1'], ['count', '--context', 'eu'], ['list', '--all-instances'], ['list', '-c', '/a', '-c', '/b']]) expect(runsInListPart(argv), argv.join(' ')).toBe(false);
  });
});

describe('commandFirst: the spool options may come before the command', () => {
  it('moves the command to the front past -c/--config/--spool and their values, in every spelling', () => {
    expect(commandFirst(['-c', '/etc/postfix-out', 'list', '--json'])).toEqual(['list', '-c', '/etc/postfix-out', '--json']);
    expect(commandFirst(['--spool=/q', 'count'])).toEqual(['count', '--spool=/q']);
    expect(commandFirst(['-c/etc/p', '--config', '/etc/b', 'top', '--by', 'reason'])).toEqual(['top', '-c/etc/p', '--config', '/etc/b', '--by', 'reason']);
    for (const command of ['list', 'count', 'top', 'shape', 'cat', 'stats', 'log', 'serve', 'contexts', ...ACTION_COMMANDS]) expect(commandFirst(['-c', '/d', command])[0], command).toBe(command);
  });

  it('leaves the console, the demo and anything not a command where they are', () => {
    for (const argv of [['-c', '/d'], ['--spool', '/q', '--read-only'], ['--demo', 'list'], ['--read-only', 'list'], ['-c', 'list'], ['-c', '/d', 'ABC123'], ['list', '-c', '/d']]) expect(commandFirst(argv), argv.join(' ')).toEqual(argv);
  });

  it('so the bundle runs `-c DIR list` in its list part, and `-c A -c B list` (the fleet) not', () => {
    expect(runsInListPart(['-c', '/etc/postfix', 'list', '--json'])).toBe(true);
    expect(runsInListPart(['-c', '/a', '-c', '/b', 'list'])).toBe(false);
  });
});
