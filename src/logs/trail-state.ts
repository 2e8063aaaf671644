/**
 * What the console's Log section shows while a trail is found and followed: the phase, the
 * progress of the search, which sources were read (or why none could be), and the trail so
 * far. A plain value handed from logs/trail-service.ts to the UI. Pure types.
 */
import type { Trail } from './trail-collate.js';

export interface LogTrailState {
  queueId: string;
  /** searching: reading the log; live: searched, tailing; done: searched, nothing to tail; unavailable: no log. */
  phase: 'searching' | 'live' | 'done' | 'unavailable';
  bytesDone: number;
  bytesTotal: number;
  /** `log: /var/log/mail.log [the system mail log]`, or why there is none. */
  sources: string;
  /** Sources that could not be read, tail problems, gzip warnings. */
  problems: string[];
  trail: Trail;
}
