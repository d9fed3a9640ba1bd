import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { E_INVALIDARG, WiaError } from '@openwia/core';
import { resolveTarget, type ConformanceTarget } from './target.js';

/** Options of {@link loadConformanceTarget}. */
export interface LoadTargetOptions {
  /** The export holding the target (default `default`). */
  exportName?: string;
  /** Where relative paths and package names are resolved from (default `process.cwd()`). */
  cwd?: string;
}

/** A file path as given (relative to `cwd`), or a package name resolved from `cwd`. */
function moduleUrl(specifier: string, cwd: string): string {
  const path = isAbsolute(specifier) ? specifier : resolve(cwd, specifier);
  if (existsSync(path)) return pathToFileURL(path).href;
  if (specifier.startsWith('.') || specifier.startsWith('/')) throw new WiaError(E_INVALIDARG, `no conformance module at ${path}`);
  try {
    return pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(specifier)).href;
  } catch {
    return specifier;
  }
}

/**
 * Loads a conformance module. The convention: the module's default export
 * (or the export named by `exportName`) is a {@link ConformanceTarget} — or
 * a function, possibly async, that returns one (for setup that must not run
 * at import time). Throws `E_INVALIDARG` saying what is wrong with the module.
 */
export async function loadConformanceTarget(specifier: string, options: LoadTargetOptions = {}): Promise<ConformanceTarget> {
  const cwd = options.cwd ?? process.cwd();
  const exportName = options.exportName ?? 'default';
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(moduleUrl(specifier, cwd))) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof WiaError) throw err;
    throw new WiaError(E_INVALIDARG, `cannot load conformance module ${specifier}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!(exportName in loaded)) {
    const available = Object.keys(loaded).join(', ') || 'none';
    throw new WiaError(E_INVALIDARG, `${specifier} has no export "${exportName}" (exports: ${available}); its default export should be a conformance target`);
  }
  let target = loaded[exportName];
  if (typeof target === 'function') {
    try {
      target = await (target as () => unknown)();
    } catch (err) {
      throw new WiaError(E_INVALIDARG, `export "${exportName}" of ${specifier} is a function, and calling it for the target failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  try {
    resolveTarget(target, {}, {});
  } catch (err) {
    throw new WiaError(E_INVALIDARG, `export "${exportName}" of ${specifier} is not a conformance target: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return target as ConformanceTarget;
}
