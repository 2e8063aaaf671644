/**
 * The demo entry point: a temporary spool in the real Postfix format, an initial queue, and
 * the simulated MTA running beside whatever shows it. startDemo() returns a handle whose
 * stop() halts the MTA and whose remove() deletes the spool; removeOnExit() makes sure the
 * spool goes on every way out of the process (normal exit, process.exit, SIGINT, SIGTERM,
 * SIGHUP), whoever else listens for those signals.
 *
 * Throws when the temp directory cannot be made or seeded.
 */
import type { SpoolConfig } from '../config/spool-config.js';
import { Random } from './random.js';
import { seedQueue, type SeedCounts } from './seed.js';
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

export function startDemo(options: DemoOptions = {}): Demo {
  const config = createDemoSpool(options.parent);
  const rnd = new Random(options.seed);
  let seeded: SeedCounts;
  try {
    seeded = seedQueue(config, rnd, options.messages ?? DEFAULT_MESSAGES);
  } catch (error) {
    removeDemoSpool(config.queueDirectory);
    throw error;
  }
  const mta = new SimulatedMta({ config, rnd, rate: options.rate ?? DEFAULT_RATE, ...options.mta });
  mta.start();
  let removed = false;
  return {
    config,
    mta,
    seeded,
    stop: () => mta.stop(),
    remove() {
      mta.stop();
      if (removed) return;
      removed = true;
      removeDemoSpool(config.queueDirectory);
    },
  };
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

/**
 * Remove the demo's spool on every exit path. A signal nobody else handles ends the process
 * with the conventional status (128 + signal number) after the removal; when the console has
 * its own handler for it, that handler decides, and the 'exit' hook removes the spool.
 * Returns a function that unregisters everything.
 */
export function removeOnExit(demo: Demo): () => void {
  const onExit = () => demo.remove();
  process.on('exit', onExit);
  const handlers = Object.entries(SIGNALS).map(([signal, number]) => {
    const handler = () => {
      demo.remove();
      if (process.listenerCount(signal) <= 1) process.exit(128 + number);
    };
    process.on(signal as NodeJS.Signals, handler);
    return [signal, handler] as const;
  });
  return () => {
    process.off('exit', onExit);
    for (const [signal, handler] of handlers) process.off(signal as NodeJS.Signals, handler);
  };
}
