/**
 * `postq cat [-e] [-h] [-b] QUEUE_ID`: what `postcat -q` prints for that id, sanitized, from
 * any queue including corrupt/. A damaged file prints what can be read, then a message naming
 * the file, offset and problem on stderr, and exits 1.
 */
import { UsageError } from '../domain/errors.js';
import { isQueueIdName, stripQueueIdMarkers } from '../domain/queue-id.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { PostcatStream } from '../spool/postcat-format.js';
import { describeRecordType } from '../spool/rec-type.js';
import { printable } from '../spool/printable.js';
import { NotRegularFileError, openMessage, type OpenMessage } from '../watch/read-message.js';

export interface CatSections {
  envelope: boolean;
  headers: boolean;
  body: boolean;
}

export function runCat(
  config: SpoolConfig,
  rawId: string,
  sections: CatSections,
  write: (text: string) => void,
  writeError: (text: string) => void,
): number {
  const queueId = stripQueueIdMarkers(rawId);
  if (!isQueueIdName(queueId)) throw new UsageError(`not a queue id: ${printable(rawId)}`);
  let found: OpenMessage | null;
  try {
    found = openMessage(config, queueId);
  } catch (error) {
    if (!(error instanceof NotRegularFileError)) throw error;
    writeError(`postq: ${printable(error.message)}\n`);
    return 1;
  }
  if (!found) {
    writeError(`postq: ${queueId}: no such message in ${config.queueDirectory} (it may have been delivered or removed)\n`);
    return 1;
  }
  // Streamed in pieces as it is read in windows: a 2 GB message costs a window, not its size.
  const result = new PostcatStream(found.first, { path: found.path, ...sections }, { fileSize: found.size, fetch: found.fetch });
  try {
    result.run(write);
  } finally {
    found.close();
  }
  for (const warning of result.warnings) writeError(`postq: warning: ${printable(warning)}\n`);
  if (result.error) {
    const { offset, recordType, problem } = result.error;
    const where = recordType === null ? `offset ${offset}` : `offset ${offset}, record type ${describeRecordType(recordType)}`;
    writeError(`postq: ${found.path}: damaged at ${where}: ${printable(problem)}\n`);
    return 1;
  }
  return 0;
}
