// Settings the bench starts child processes with, shared by the suites that
// measure in a fresh process.

/** The young generation README.md suggests for a process that drives many devices: chunk memory dies in scavenges. */
export const SMALL_YOUNG_GENERATION_FLAG = '--max-semi-space-size=1';

/**
 * glibc settings README.md suggests for the same process: chunks of 128 KiB
 * and more come from the heap instead of a fresh `mmap` each, and the heap's
 * free top is kept instead of handed back to the OS and faulted in again.
 *
 * Chunk buffers die in batches, at each garbage collection, so glibc's own
 * sliding thresholds trim tens of MiB at a time and every page comes back
 * through a page fault: one process reading 8 × 4 MiB transfers took 11–14 s
 * for 240 of them at 256 KiB and 1 MiB reads with the defaults and 0.6–1.3 s
 * with these (stack and raw `transferIn` loop alike). Both variables are
 * needed: setting either turns glibc's sliding thresholds off, and the
 * other then stays at its 128 KiB default.
 */
export const TUNED_MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '134217728' };

/** `env` as a shell prefix (`NAME=value NAME=value`), for methods and tables; empty for none. */
export function shellEnv(env = {}) {
  return Object.entries(env).map(([name, value]) => `${name}=${value}`).join(' ');
}
