/**
 * The backends a fleet console acts through, apart from the console's wiring (no Ink here, so
 * tests and tools load it cheaply): a target's own, and the merged view's, which routes each
 * ID@TARGET to its host's. Read-only (--read-only) goes through the same routing, every host
 * refusing, so the merged view keeps its per-host refusals.
 */
import type { QueueBackend } from '../domain/backend.js';
import { withAuditLog } from '../actions/audit-log.js';
import { createReadOnlyBackend } from '../actions/read-only-backend.js';
import type { Connection } from '../remote/connection.js';
import { createMergedBackend } from '../remote/merged.js';
import { createRemoteBackend } from '../remote/remote-backend.js';
import type { FleetFlags } from './fleet-plan.js';

/**
 * A target's actions as the console sends them: the local audit line per host unless
 * --no-audit (the remote's own rule applies there: its serve got --no-audit too).
 */
export function fleetBackend(remote: QueueBackend, flags: FleetFlags): QueueBackend {
  return flags['no-audit'] ? remote : withAuditLog(remote);
}

/**
 * The backend a target's console acts through: with --read-only one that refuses (the serve
 * there refuses too); else that host's postq, whose own read-only reason (its hello's: a
 * spool without -c there) is the one the console shows, not this side's --read-only text.
 */
export function targetConsoleBackend(connection: Connection, flags: FleetFlags): QueueBackend {
  return flags['read-only'] ? createReadOnlyBackend() : fleetBackend(createRemoteBackend(connection), flags);
}

/**
 * The merged view's backend: each host's own (targetConsoleBackend), routed per host by the
 * ID@TARGET keys, read-only or not, so a refusal names the hosts and their reasons.
 */
export function mergedConsoleBackend(connections: readonly Connection[], flags: FleetFlags): QueueBackend {
  return createMergedBackend(new Map(connections.map((c) => [c.target.label, targetConsoleBackend(c, flags)])));
}
