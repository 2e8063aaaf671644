/**
 * Waiting for ink-testing-library frames, not for the clock: React 19 commits after a
 * microtask, so poll the last frame on the event loop until it shows what the test expects.
 */
export async function waitForFrame(lastFrame: () => string | undefined, expected: string | RegExp | ((frame: string) => boolean), timeoutMs = 3000): Promise<string> {
  const test = (f: string) => (typeof expected === 'function' ? expected(f) : typeof expected === 'string' ? f.includes(expected) : expected.test(f));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (test(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`frame never showed ${String(expected)}; last frame:\n${frame}`);
    await new Promise((r) => setImmediate(r));
  }
}
