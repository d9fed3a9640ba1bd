/**
 * Removes the first `item` from `items` in place, keeping the order of the
 * rest; `false` when it was not there. Unlike `splice`, it allocates nothing:
 * the bus adds and removes an item like this per transfer and per wait.
 */
export function removeItem<T>(items: T[], item: T): boolean {
  const at = items.indexOf(item);
  if (at < 0) return false;
  for (let i = at; i < items.length - 1; i++) items[i] = items[i + 1]!;
  items.pop();
  return true;
}
