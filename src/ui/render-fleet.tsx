/**
 * Mounting the fleet overview until the user opens a target (Enter) or quits (q). The
 * overview is its own short-lived Ink instance; the console for a target is the ordinary
 * one (render-console.tsx), mounted after it, and the overview comes back after that.
 */
import React from 'react';
import { render } from 'ink';
import type { Theme } from '../config/theme.js';
import type { Connection } from '../remote/connection.js';
import { FleetOverview, type FleetChoice } from './components/fleet-overview.js';
import { ThemeContext } from './theme-context.js';

/** `stdout`: where to draw (the terminal itself with --pick, stdout then being a pipe). */
export function showFleetOverview(connections: readonly Connection[], index: number, theme: Theme, stdout: NodeJS.WriteStream = process.stdout, stdin: NodeJS.ReadStream = process.stdin): Promise<FleetChoice> {
  return new Promise((resolve) => {
    let choice: FleetChoice = { kind: 'quit' };
    // Raw before the first frame, as the console (render-console.tsx): an Enter pressed as it
    // shows reached a cooked tty as LF, which the overview does not take for Enter.
    if (stdin.isTTY) stdin.setRawMode(true);
    const instance = render(
      <ThemeContext.Provider value={theme}>
        <FleetOverview connections={connections} initialIndex={index} onChoice={(c) => (choice = c)} />
      </ThemeContext.Provider>,
      { stdout, stdin, exitOnCtrlC: false, patchConsole: true },
    );
    instance.waitUntilExit().then(
      () => resolve(choice),
      () => resolve({ kind: 'quit' }),
    );
  });
}
