/**
 * When the next reconcile runs. Live (inotify works): slow, and never more often than 200x the
 * last sweep's cost, so reconciling stays under 0.5 % of a core when nothing moves; soon again
 * after a sweep that found changes. Polling (no inotify): every pollMin..pollMax, faster while
 * things change, never more often than 20x the sweep's cost (<= 5 % of a core).
 *
 * Contract: one timer; arming an earlier time replaces a later one. Nothing throws.
 */

export interface ClockOptions {
  reconcileMinMs?: number;
  reconcileMaxMs?: number;
  pollMinMs?: number;
  pollMaxMs?: number;
}

export class ReconcileClock {
  polling = false;
  nextMs: number;
  private readonly liveMin: number;
  private readonly liveMax: number;
  private readonly pollMin: number;
  private readonly pollMax: number;
  private timer: NodeJS.Timeout | null = null;
  private dueAt = Number.POSITIVE_INFINITY;

  constructor(options: ClockOptions) {
    this.liveMin = options.reconcileMinMs ?? 30_000;
    this.liveMax = options.reconcileMaxMs ?? 600_000;
    this.pollMin = options.pollMinMs ?? 1_000;
    this.pollMax = options.pollMaxMs ?? 15_000;
    this.nextMs = this.liveMin;
  }

  get minMs(): number {
    return this.polling ? this.pollMin : this.liveMin;
  }

  arm(delayMs: number, fire: () => void): void {
    const at = Date.now() + delayMs;
    if (this.timer && at >= this.dueAt) return;
    this.disarm();
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dueAt = Number.POSITIVE_INFINITY;
      fire();
    }, delayMs);
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = Number.POSITIVE_INFINITY;
  }

  /** A sweep finished: it took costMs and found changes or not. */
  completed(costMs: number, changed: boolean): void {
    if (this.polling) {
      const next = changed ? this.pollMin : Math.min(this.pollMax, Math.max(this.pollMin, this.nextMs * 1.5));
      this.nextMs = Math.max(next, 20 * costMs);
    } else {
      const next = changed ? this.liveMin : Math.min(this.liveMax, this.nextMs * 2);
      this.nextMs = Math.max(next, 200 * costMs);
    }
  }
}
