/** Longest item name this plugin makes (PTP strings hold at most 254 characters anyway). */
export const MAX_ITEM_NAME_LENGTH = 128;

/**
 * Turns device text into a safe WIA item name: path separators, control
 * and reserved characters become `_`, names made only of dots (`.`, `..`)
 * or nothing at all become `fallback`, and the length is bounded. A camera
 * cannot smuggle a path (`../../etc/passwd`, `a\b`) into an app this way.
 */
export function sanitizeItemName(raw: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  let name = raw.replace(/[\u0000-\u001f\u007f\\/:*?"<>|]/g, '_').trim();
  if (name.length > MAX_ITEM_NAME_LENGTH) name = name.slice(0, MAX_ITEM_NAME_LENGTH);
  if (/^\.*$/.test(name)) return fallback;
  return name;
}

/** `name`, or `name (2)`, `name (3)`... (before the extension) — the first one not in `taken`. */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${extension}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The extension of a file name (`JPG`), if it is a short plain one. */
export function fileExtension(name: string): string | undefined {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(name);
  return match?.[1]?.toUpperCase();
}

/** `0x00010001` → `00010001`: stable names for unnamed storages and objects. */
export function hex32(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
