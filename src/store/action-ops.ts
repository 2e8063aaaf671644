/**
 * The store's action operations (part of createConsoleStore): requestAction builds the
 * confirmation (confirm.ts), confirmAction runs the backend and marks the ids pending; the
 * list itself never changes here, the watcher's batches settle the pending ids.
 * A backend that rejects becomes an error flash; nothing here throws.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { QueueBackend } from '../domain/backend.js';
import { formatCount } from '../domain/count-format.js';
import { buildConfirmation, describeResult } from './confirm.js';
import { describeFanOutResult } from './fanout-result.js';
import type { ConsoleActions, ConsoleState, FlashLevel, PendingOp } from './console-state.js';

type ActionOps = Pick<ConsoleActions, 'requestAction' | 'cancelAction' | 'confirmAction' | 'settlePending'>;

export function createActionOps(
  set: StoreApi<ConsoleState>['setState'],
  get: StoreApi<ConsoleState>['getState'],
  backend: QueueBackend,
  now: () => number,
  flash: (text: string, level?: FlashLevel) => void,
): ActionOps {
  return {
    requestAction(action, scope = 'auto') {
      const request = buildConfirmation(get(), backend, action, scope, now() / 1000);
      if (request.ok) set({ confirmation: request.confirmation });
      else flash(request.text, request.level);
    },
    cancelAction() {
      set({ confirmation: null });
    },
    async confirmAction(typed) {
      const c = get().confirmation;
      if (!c) return null;
      if (c.requireWord !== null && typed !== c.requireWord) {
        flash(`type ${c.requireWord} to confirm (${c.title})`, 'warn');
        return null;
      }
      const disabled = get().readOnlyReason ?? backend.disabledReason;
      if (disabled !== null) {
        set({ confirmation: null });
        flash(`${c.action} is disabled: ${disabled}`, 'warn');
        return null;
      }
      set((s) => {
        const pending = new Map(s.pending);
        for (const t of c.targets) pending.set(t.queueId, { action: c.action, phase: 'running', seen: false });
        const text = `${c.action}: ${formatCount(c.count)} message${c.count === 1 ? '' : 's'}, running`;
        return { confirmation: null, pending, flash: { text, level: 'info', at: now() } };
      });
      const ids = c.targets.map((t) => t.queueId);
      // The merged fleet view: each target's host as confirmed, for a result per host.
      const hostOf = new Map<string, string>();
      const entries = get().entries;
      for (const id of ids) {
        const host = entries.get(id)?.host;
        if (host !== undefined) hostOf.set(id, host);
      }
      let result;
      try {
        result = await backend.run(c.action, c.targets);
      } catch (error) {
        get().settlePending(ids);
        flash(`${c.action} failed: ${(error as Error).message}`, 'error'); // flash() sanitises
        return null;
      }
      const outcomes = new Map(result.outcomes.map((o) => [o.queueId, o.status]));
      set((s) => {
        const pending = new Map(s.pending);
        const marks = new Set(s.marks);
        for (const id of ids) {
          const op: PendingOp | undefined = pending.get(id);
          const status = outcomes.get(id);
          if (status === 'done' || status === 'not-found') marks.delete(id);
          if (!op || op.phase !== 'running') continue;
          // Wait for the watcher only where the file will change and has not yet.
          if (status === 'done' && c.action !== 'deliver' && !op.seen) pending.set(id, { ...op, phase: 'settling' });
          else pending.delete(id);
        }
        const { text, level } = hostOf.size > 0 ? describeFanOutResult(result, c.targets, hostOf) : describeResult(result, c.count);
        return { pending, marks, flash: { text, level, at: now() } };
      });
      return result;
    },
    settlePending(ids) {
      set((s) => {
        if (!ids) return { pending: new Map() };
        const pending = new Map(s.pending);
        for (const id of ids) pending.delete(id);
        return { pending };
      });
    },
  };
}
