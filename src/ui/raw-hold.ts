/**
 * The terminal held in raw mode across Ink instances (the fleet console's overview and the
 * consoles it opens, one after another). Each Ink instance turns raw mode off as it exits,
 * and the next one on only once it is mounted: the tty was cooked in between, so keys typed
 * ahead (Enter on the overview, then `/` and a filter) reached the console line-edited by the
 * tty (^U erased the line, Enter became LF) or, ^C and ^Z, as signals. Held, they wait in the
 * tty as keys for whichever instance reads next.
 */

export interface RawHold {
  /** The stdin to give Ink: its setRawMode(false) leaves the terminal raw while held. */
  stdin: NodeJS.ReadStream;
  /** Stop holding: the terminal back out of raw mode. */
  release(): void;
}

export function holdRawMode(stdin: NodeJS.ReadStream): RawHold {
  let held = stdin.isTTY === true;
  if (held) stdin.setRawMode(true);
  const setRawMode = (mode: boolean) => (mode || !held ? stdin.setRawMode(mode) : stdin);
  const wrapped = new Proxy(stdin, {
    get(target, prop) {
      if (prop === 'setRawMode') return setRawMode;
      const value = Reflect.get(target, prop, target) as unknown;
      // Bound to the stream itself: Ink's listeners and reads act on it, not on the proxy.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    stdin: wrapped,
    release() {
      if (!held) return;
      held = false;
      stdin.setRawMode(false);
    },
  };
}
