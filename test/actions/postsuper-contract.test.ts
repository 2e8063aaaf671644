/** The backend contract (backend-contract.ts) run on the postsuper backend and a real Postfix. */
import { createPostsuperBackend } from '../../src/actions/postsuper-backend.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { createPostfixInstance } from '../helpers/postfix-instance.js';
import { describeBackendContract } from './backend-contract.js';
import { queueDeferred } from './postfix-fixtures.js';

describeBackendContract('postsuper backend on a real Postfix', async () => {
  const pf = await createPostfixInstance({ label: 'contract' });
  const bySender = await queueDeferred(pf, 12, 'c');
  const ids = [...bySender.values()];
  const held = ids.slice(0, 3);
  pf.postsuper(['-h', '-', 'deferred'], held.join('\n') + '\n');
  const config = resolveSpoolConfig({ configDir: pf.configDir });
  return { backend: createPostsuperBackend({ configDir: pf.configDir }), config, deferred: ids.slice(3),
    held,
    listed: () => new Map(pf.postqueueJson().map((e) => [e.queue_id, e.queue_name])),
    cleanup: () => pf.stop(),
  };
});

