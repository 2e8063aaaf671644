/**
 * The bin's first import: refuse a Node older than 20.19 with one clear line (exit 5), before
 * any module that needs it is loaded. Ink's string-width uses the RegExp `v` flag (Node 20+),
 * which older Node reports as "Invalid flags supplied to RegExp constructor 'v'". Written in
 * syntax old Node parses; Debian 12's apt has Node 18 (the README says how to get 20).
 */
export const MIN_NODE = [20, 19] as const;

/** True when `version` ("18.19.0", "v20.3.1") is older than MIN_NODE. */
export function isNodeTooOld(version: string): boolean {
  const parts = version.replace(/^v/, '').split('.');
  const major = Number(parts[0]);
  const minor = Number(parts[1]);
  return major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1]);
}

if (isNodeTooOld(process.versions.node)) {
  process.stderr.write(
    `postq: needs Node ${MIN_NODE.join('.')} or newer; this is Node ${process.versions.node}. ` +
      'On Debian 12 (apt has Node 18) install Node 20 from NodeSource (deb.nodesource.com, node_20.x) or nodejs.org; see the README.\n',
  );
  process.exit(5);
}
