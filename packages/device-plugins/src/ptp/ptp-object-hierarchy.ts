import { PtpObjectFormat } from './ptp-codes.js';
import type { PtpObjectInfo } from './ptp-datasets.js';

/**
 * Deepest nesting of folders and files below a storage (a file directly on
 * the storage is at depth 1). Cameras use 2–3 levels (`DCIM/100CANON/`),
 * phones rarely more than 10; anything deeper is device nonsense and is
 * placed at the storage root instead of growing the tree (and item names)
 * without bound.
 */
export const MAX_FOLDER_DEPTH = 32;

/** Why an object was placed at the storage root although it names a parent. */
export type PtpPlacementFallback = 'unknown-parent' | 'cycle' | 'too-deep';

/** An object of one storage as the device describes it. */
export interface PtpObjectEntry {
  handle: number;
  info: PtpObjectInfo;
}

/** Where an object goes in the item tree. */
export interface PtpObjectPlacement extends PtpObjectEntry {
  /** Handle of the folder object it goes under; `undefined` for the storage root. */
  parent: number | undefined;
  /** 1 for the storage root's children, one more per folder above. */
  depth: number;
  /** Set when the device's ParentObject could not be followed. */
  fallback?: PtpPlacementFallback;
}

/** `true` for an association (ObjectFormat 0x3001): a folder, whose children name it as ParentObject. */
export function isFolderObject(info: PtpObjectInfo): boolean {
  // Every association is shown as a folder, not only AssociationType GenericFolder (0x0001): its
  // children point at it whatever its type says, and hiding it would only hide their place.
  return info.objectFormat === PtpObjectFormat.Association;
}

/** `true` when ParentObject means "directly on the storage": 0 per PTP, 0xFFFFFFFF as many MTP devices send. */
export function isStorageRootParent(parentObject: number): boolean {
  return parentObject === 0 || parentObject === 0xffffffff;
}

interface Resolved {
  parent: number | undefined;
  depth: number;
  fallback?: PtpPlacementFallback;
}

/**
 * Places a storage's objects by their ObjectInfo.ParentObject, parents before
 * children (by depth, then in the order given), each handle once. Nothing
 * the device says can lose an object or loop: a parent that is missing, not
 * a folder, or the object itself puts the object at the storage root
 * (`unknown-parent`); a cycle of folders is cut where it closes (`cycle`);
 * nesting beyond {@link MAX_FOLDER_DEPTH} restarts at the root (`too-deep`).
 * Linear in the number of objects, without recursion.
 */
export function placeObjects(entries: readonly PtpObjectEntry[]): PtpObjectPlacement[] {
  const byHandle = new Map<number, PtpObjectEntry>();
  for (const entry of entries) if (!byHandle.has(entry.handle)) byHandle.set(entry.handle, entry);
  const resolved = new Map<number, Resolved>();
  for (const handle of byHandle.keys()) if (!resolved.has(handle)) resolveChain(handle, byHandle, resolved);
  // Bucketed by depth rather than sorted: parents first, and the device's order within a depth.
  const byDepth: PtpObjectPlacement[][] = Array.from({ length: MAX_FOLDER_DEPTH }, () => []);
  for (const { handle, info } of byHandle.values()) {
    const { parent, depth, fallback } = resolved.get(handle)!;
    const placement: PtpObjectPlacement = { handle, info, parent, depth };
    if (fallback) placement.fallback = fallback;
    byDepth[depth - 1]!.push(placement);
  }
  return byDepth.flat();
}

/** The folder an object's ParentObject names, if it is one of this storage's folders (and not the object itself). */
function statedFolderParent(entry: PtpObjectEntry, byHandle: ReadonlyMap<number, PtpObjectEntry>): number | undefined {
  const parent = entry.info.parentObject;
  if (parent === entry.handle) return undefined;
  const found = byHandle.get(parent);
  return found && isFolderObject(found.info) ? parent : undefined;
}

/** Resolves `start` and every unresolved ancestor on its way up to the storage root, a resolved folder, or a cycle. */
function resolveChain(start: number, byHandle: ReadonlyMap<number, PtpObjectEntry>, resolved: Map<number, Resolved>): void {
  const chain: number[] = [];
  const onChain = new Set<number>();
  let base: Resolved = { parent: undefined, depth: 0 };
  for (let at = start; ; ) {
    chain.push(at);
    onChain.add(at);
    const entry = byHandle.get(at)!;
    const parent = statedFolderParent(entry, byHandle);
    if (parent === undefined) {
      if (!isStorageRootParent(entry.info.parentObject)) base = { parent: undefined, depth: 0, fallback: 'unknown-parent' };
      break;
    }
    const known = resolved.get(parent);
    if (known) {
      base = { parent, depth: known.depth };
      break;
    }
    if (onChain.has(parent)) {
      base = { parent: undefined, depth: 0, fallback: 'cycle' };
      break;
    }
    at = parent;
  }
  // Top of the chain first, so that each object's parent is placed before it.
  for (let i = chain.length - 1; i >= 0; i--) {
    const above: Resolved = i === chain.length - 1 ? base : { parent: chain[i + 1], depth: resolved.get(chain[i + 1]!)!.depth };
    const placement: Resolved = above.depth + 1 > MAX_FOLDER_DEPTH ? { parent: undefined, depth: 1, fallback: 'too-deep' } : { ...above, depth: above.depth + 1 };
    resolved.set(chain[i]!, placement);
  }
}
