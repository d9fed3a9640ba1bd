/**
 * Removes the first `item` from `items` in place, keeping the order of the
 * rest; `false` when it was not there. Unlike `splice`, it allocates nothing:
 * `splice` returns a new array and, when it empties a small array, V8 shrinks
 * its backing store, so the next `push` allocates another — about 200 bytes
 * per add-and-remove. A signal's transfer watchers change on every USB
 * transfer, a latch's listeners on every guarded driver call; a transport
 * backend's own lists of transfers in flight do too (the testkit's bus uses it).
 */
export function removeItem<T>(items: T[], item: T): boolean {
  const at = items.indexOf(item);
  if (at < 0) return false;
  for (let i = at; i < items.length - 1; i++) items[i] = items[i + 1]!;
  items.pop();
  return true;
}
