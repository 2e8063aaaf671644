/**
 * The demo entry point: a temporary spool in the real Postfix format, an initial queue, and
 * the simulated MTA running beside whatever shows it.
 *
 * startDemo() makes the spool, registers its removal on every way out of the process (normal
 * exit, process.exit, SIGINT, SIGTERM, SIGHUP) before writing anything, seeds the queue in
 * small steps (so a signal during a large seed is handled at once), and starts the MTA.
 * The handle's stop() halts the MTA; remove() also deletes the spool and unregisters the
 * handlers. A signal nobody else handles removes the spool and ends the process with
 * 128 + the signal number; when the console handles it too, the MTA stops and the console
 * decides (its return leads to remove(), and the 'exit' hook is the backstop).
 *
 * Throws (after removing the spool) when the temp directory cannot be made or seeded.
 */
import type { SpoolConfig } from '../config/spool-config.js';
import { Random } from './random.js';
import { seedSteps, type SeedCounts } from './seed.js';
import { SimulatedMta, type MtaOptions } from './simulated-mta.js';
import { createDemoSpool, removeDemoSpool } from './spool-skeleton.js';

export interface DemoOptions {
  /** New messages per second (default 3). */
  rate?: number;
  /** Initial queue size (default 200). */
  messages?: number;
  /** Parent of the temp spool (default os.tmpdir()). */
  parent?: string;
  seed?: number;
  /** Register exit and signal handlers (default true). */
  handleExit?: boolean;
  /** Passed to the MTA (tests turn bursts and damage off, or speed up the deferred scans). */
  mta?: Partial<Omit<MtaOptions, 'config' | 'rnd'>>;
}

export interface Demo {
  config: SpoolConfig;
  mta: SimulatedMta;
  seeded: SeedCounts;
  stop(): void;
  /** Stop and delete the spool; safe to call more than once. */
  remove(): void;
}

export const DEFAULT_RATE = 3;
export const DEFAULT_MESSAGES = 200;

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
type SignalName = keyof typeof SIGNALS;

/** Exit and signal hooks; returns the function that unregisters them. */
function installExitHooks(stop: () => void, remove: () => void): () => void {
  process.on('exit', remove);
  const handlers = (Object.keys(SIGNALS) as SignalName[]).map((signal) => {
    const handler = () => {
      stop();
      // Alone on this signal: finish the job the default action would have done.
      if (process.listenerCount(signal) <= 1) {
        remove();
        process.exit(128 + SIGNALS[signal]);
      }
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    process.off('exit', remove);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const config = createDemoSpool(options.parent);
  const rnd = new Random(options.seed);
  const mta = new SimulatedMta({ config, rnd, rate: options.rate ?? DEFAULT_RATE, ...options.mta });
  let removed = false;
  let unregister = () => {};
  const remove = () => {
    mta.stop();
    if (removed) return;
    removed = true;
    unregister();
    removeDemoSpool(config.queueDirectory);
  };
  let stopped = false;
  if (options.handleExit !== false) unregister = installExitHooks(() => ((stopped = true), mta.stop()), remove);
  let seeded: SeedCounts;
  try {
    const steps = seedSteps(config, rnd, options.messages ?? DEFAULT_MESSAGES);
    for (let n = 1; ; n++) {
      const step = steps.next();
      if (step.done) {
        seeded = step.value;
        break;
      }
      if (n % 100 === 0) await yieldToEventLoop();
      if (removed || stopped) throw new Error('the demo was interrupted while writing its queue');
    }
  } catch (error) {
    remove();
    throw error;
  }
  mta.start();
  return { config, mta, seeded, stop: () => mta.stop(), remove };
}
