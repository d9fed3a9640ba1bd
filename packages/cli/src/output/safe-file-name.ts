import { resolve, sep } from 'node:path';
import { E_ACCESSDENIED, WiaError } from '@openwia/core';

const RESERVED_WINDOWS_NAMES = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
const MAX_NAME_BYTES = 200;

/**
 * Turns a name that came from a device into a plain file name: no path
 * separators, no `..`, no control characters, no leading dots (hidden files,
 * parent directories), no Windows device names, at most 200 bytes. A device
 * name is never trusted to choose where a file goes.
 */
export function safeFileName(deviceName: string, fallback = 'item'): string {
  let name = deviceName.normalize('NFC').replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_');
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (!name || /^_+$/.test(name)) name = fallback;
  if (RESERVED_WINDOWS_NAMES.test(name)) name = `_${name}`;
  return truncateKeepingExtension(name, MAX_NAME_BYTES);
}

function truncateKeepingExtension(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let base = name.slice(0, name.length - extension.length);
  while (Buffer.byteLength(base + extension) > maxBytes) base = base.slice(0, -1);
  return base + extension;
}

/** Resolves `name` inside `dir`, refusing anything that would land outside it. */
export function resolveInside(dir: string, name: string): string {
  const root = resolve(dir);
  const target = resolve(root, name);
  if (!target.startsWith(root + sep)) throw new WiaError(E_ACCESSDENIED, `refusing to write ${JSON.stringify(name)} outside ${root}`);
  return target;
}

/** `IMG_0001.JPG` → `IMG_0001 (2).JPG`: the nth alternative name for a file that already exists. */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
