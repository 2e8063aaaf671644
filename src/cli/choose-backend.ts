/**
 * Which backend the console and `postq serve` act through, from --backend and the spool
 * config. Its own module so `postq serve` (run over ssh on every fleet host, often many at
 * once) loads no Ink or React: console-command.ts pulls in the whole UI.
 *
 * postsuper only for the instance whose spool is on screen (pinned with -c); a bare --spool
 * without --backend is read-only: postsuper there would take the same ids from whatever
 * instance MAIL_CONFIG or the default names. Throws UsageError for an unknown backend name
 * or `--backend postsuper` without an instance.
 */
import type { QueueBackend } from '../domain/backend.js';
import { UsageError } from '../domain/errors.js';
import { instanceConfigDir, type SpoolConfig } from '../config/spool-config.js';
import { createReadOnlyBackend } from '../actions/read-only-backend.js';
import { createPostsuperBackend } from '../actions/postsuper-backend.js';
import { createDirectBackend } from '../actions/direct-backend.js';
import { withAuditLog } from '../actions/audit-log.js';

export function unmanagedSpoolReason(config: SpoolConfig): string {
  return `--spool without -c: no Postfix configuration manages ${config.queueDirectory}, so postsuper would act on another instance's queue; give -c CONFIG_DIR for an instance, or --backend direct for a copy no Postfix runs on`;
}

/** `audit: false` (--no-audit): act without the audit log, as the action commands' flag does. */
export function chooseBackend(name: string | undefined, config: SpoolConfig, options: { audit?: boolean } = {}): QueueBackend {
  const audited = (backend: QueueBackend) => (options.audit === false ? backend : withAuditLog(backend));
  if (name === 'direct') return audited(createDirectBackend({ config }));
  if (name !== undefined && name !== 'postsuper') throw new UsageError(`unknown backend "${name}": expected postsuper or direct`);
  const configDir = instanceConfigDir(config);
  if (configDir === null) {
    if (name === 'postsuper') throw new UsageError('--backend postsuper acts on the queue of a Postfix configuration: give -c CONFIG_DIR, not --spool');
    return createReadOnlyBackend(unmanagedSpoolReason(config));
  }
  return audited(createPostsuperBackend({ configDir }));
}
