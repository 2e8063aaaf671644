import { createDirectBackend } from '../../src/actions/direct-backend.js';
import { resolveSpoolConfig } from '../../src/config/spool-config.js';
import { copyCorpusSpool } from '../helpers/corpus.js';
import { describeBackendContract } from './backend-contract.js';
import { readyIds } from './spool-fixtures.js';

describeBackendContract('direct backend on a copy of the basic corpus', async () => {
  const copy = copyCorpusSpool('basic');
  const config = resolveSpoolConfig({ spool: copy.spool });
  return {
    backend: createDirectBackend({ config }),
    config,
    deferred: readyIds(config, 'deferred', { withDeferLog: true }),
    held: readyIds(config, 'hold', { notExpired: true }),
    cleanup: copy.cleanup,
  };
});
