/**
 * Poll a condition with a deadline: the one way tests wait for something outside the process
 * (Postfix moving a file, a daemon answering). Never a fixed sleep.
 *
 * waitFor(probe) calls probe until it returns something other than undefined/false/null and
 * resolves with that value; past the deadline it rejects with `what` and describe()'s output.
 * A probe that throws is retried (the thing may not be ready yet); its last error is reported.
 */
export interface WaitOptions {
  /** Deadline in ms (default 30 s). */
  timeoutMs?: number;
  /** Pause between polls in ms (default 100). */
  intervalMs?: number;
  /** What we were waiting for, for the failure message. */
  what?: string;
  /** Extra state for the failure message (e.g. the last listing). */
  describe?: () => string;
}

export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = null;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = [options.describe?.(), lastError ? String((lastError as Error).stack ?? lastError) : '']
        .filter(Boolean)
        .join('\n');
      throw new Error(`timed out waiting for ${options.what ?? 'condition'}${detail ? `\n${detail}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
