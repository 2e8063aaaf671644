import { describe, expect, it } from 'vitest';
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
