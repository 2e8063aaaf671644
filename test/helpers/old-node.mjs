// Preload (node --import) that makes this Node report an old version, as Debian 12's Node 18 would.
Object.defineProperty(process.versions, 'node', { value: '18.19.0' });
