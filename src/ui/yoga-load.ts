/**
 * Ink lays out with yoga-layout, whose Emscripten loader, as its module loads, fetch()es its
 * own embedded WebAssembly (a data: URL) whenever a global fetch exists, else decodes the
 * base64 itself. Node's fetch is a small function until first called; the call loads Node's
 * HTTP client (undici): about 8 MiB of RSS and 60 ms of start for nothing. So yoga is loaded
 * here first with the global fetch briefly hidden: its loader decodes the wasm itself, and Ink
 * then gets this same module (one instance per URL). The single-file bundle patches the loader
 * in its source instead (scripts/bundle-adaptations.mjs). Must run before Ink is first imported
 * (before-ink.ts). Never throws: without yoga beside Ink (the bundle) it does nothing.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export async function loadYogaWithoutFetch(): Promise<boolean> {
  let url: string;
  try {
    // yoga as Ink resolves it (hoisted or nested under ink/).
    url = pathToFileURL(createRequire(import.meta.resolve('ink')).resolve('yoga-layout')).href;
  } catch {
    return false;
  }
  const fetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (fetch && !fetch.configurable) return false;
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  try {
    await import(url);
    return true;
  } catch {
    return false;
  } finally {
    if (fetch) Object.defineProperty(globalThis, 'fetch', fetch);
    else delete (globalThis as { fetch?: unknown }).fetch;
  }
}
