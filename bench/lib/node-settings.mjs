// Settings the bench starts child processes with, shared by the suites that
// measure in a fresh process.

/** The young generation README.md suggests for a process that drives many devices: chunk memory dies in scavenges. */
export const SMALL_YOUNG_GENERATION_FLAG = '--max-semi-space-size=1';

/** glibc keeps freed memory instead of handing it back to the OS and faulting it in again. */
export const NO_MALLOC_TRIM_ENV = { MALLOC_TRIM_THRESHOLD_: '2000000000', MALLOC_TOP_PAD_: '67108864' };
