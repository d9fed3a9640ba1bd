/**
 * A new empty array for an object that lives for one transfer or one item.
 *
 * Such objects — longer-lived than a young-generation collection, far
 * shorter-lived than the process — are class instances, and their arrays come
 * from here: never object or array literals. V8 records where each literal
 * (and each `new Array()`) is allocated and, once nearly all the objects of
 * one such site have outlived a young-generation collection, allocates that
 * site's objects in the old generation from then on ("allocation-site
 * pretenuring"). A transfer-long object always outlives one — a transfer's
 * chunk memory brings on about one scavenge per transfer — and in the old
 * generation only a mark-compact frees it, while every young object it
 * points to (streams, promises, suspended `async` frames) is kept, and
 * promoted, until then. Class instances (`new C()`) and `Array.of()` have no
 * allocation site. Measured in bench/README.md, "What V8's pretenuring did to
 * the stack".
 */
export function transferScopedArray<T>(): T[] {
  return Array.of<T>();
}
