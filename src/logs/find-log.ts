/**
 * Where the mail log is, found the way an admin would look: `--log FILE` (repeatable) or
 * `--log journal` as given; else maillog_file from postconf (Postfix >= 3.4 with postlogd,
 * `-c` aware; /dev/stdout is a container's and not readable back); else /var/log/mail.log
 * (Debian) or /var/log/maillog (Red Hat); else journald when journalctl is installed. Each
 * file brings its rotations (log-files.ts). The plan says how it was found, so the trail can
 * say which source it read.
 *
 * Runs postconf (read-only); never throws (no log found is a plan with no sources and the
 * places looked at).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { listRotations } from './log-files.js';

export type LogSource = { kind: 'file'; path: string; files: string[] } | { kind: 'journal'; syslogName: string | null };

export interface LogPlan {
  sources: LogSource[];
  /** How the sources were chosen, for the user. */
  how: string;
  /** Places looked at when nothing was found. */
  looked: string[];
}

export const DEFAULT_LOG_FILES = ['/var/log/mail.log', '/var/log/maillog'];

export interface FindLogOptions {
  logs: string[];
  configDir: string | null;
  /** Seams for tests: defaults read postconf and the real file system. */
  postconf?: (configDir: string | null) => { maillogFile: string; syslogName: string } | null;
  defaultFiles?: string[];
  pathEnv?: string;
}

export function readLogPostconf(configDir: string | null): { maillogFile: string; syslogName: string } | null {
  try {
    const out = execFileSync('postconf', [...(configDir ? ['-c', configDir] : []), '-h', 'maillog_file', 'syslog_name'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    });
    const [maillogFile = '', syslogName = ''] = out.split('\n').map((s) => s.trim());
    return { maillogFile, syslogName };
  } catch {
    return null;
  }
}

function onPath(command: string, pathEnv: string): boolean {
  return pathEnv.split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

const fileSource = (path: string): LogSource => ({ kind: 'file', path, files: listRotations(path) });

export function findLogSources(options: FindLogOptions): LogPlan {
  const postconf = options.postconf ?? readLogPostconf;
  if (options.logs.length > 0) {
    const conf = options.logs.includes('journal') ? postconf(options.configDir) : null;
    const sources = options.logs.map((log): LogSource => (log === 'journal' ? { kind: 'journal', syslogName: conf?.syslogName || null } : fileSource(log)));
    return { sources, how: 'given with --log', looked: [] };
  }
  const looked: string[] = [];
  const conf = postconf(options.configDir);
  if (conf?.maillogFile && conf.maillogFile !== '/dev/stdout' && conf.maillogFile !== '/dev/stderr') {
    return { sources: [fileSource(conf.maillogFile)], how: 'maillog_file from postconf', looked };
  }
  looked.push(conf ? 'postconf maillog_file (empty)' : 'postconf (not available)');
  for (const path of options.defaultFiles ?? DEFAULT_LOG_FILES) {
    if (existsSync(path)) return { sources: [fileSource(path)], how: 'the system mail log', looked };
    looked.push(path);
  }
  if (onPath('journalctl', options.pathEnv ?? process.env.PATH ?? '')) {
    return { sources: [{ kind: 'journal', syslogName: conf?.syslogName || null }], how: 'journald (no mail log file found)', looked };
  }
  looked.push('journalctl (not installed)');
  return { sources: [], how: 'none found', looked };
}
