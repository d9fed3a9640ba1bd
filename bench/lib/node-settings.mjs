// Settings the bench starts child processes with, shared by the suites that
// measure in a fresh process.

/** The young generation README.md suggests for a process that drives many devices: chunk memory dies in scavenges. */
export const SMALL_YOUNG_GENERATION_FLAG = '--max-semi-space-size=1';

/**
 * glibc keeps freed memory instead of handing it back to the OS and faulting
 * it in again. Setting any of these turns off glibc's sliding mmap threshold,
 * which would leave it at 128 KiB: every 256 KiB or 1 MiB chunk then got a
 * fresh mmap (and 256 page faults per MiB) and the sweeper thread's munmap —
 * 15 s instead of 0.45 s for 7 680 1 MiB chunks with 64 alive at a time. The
 * mmap threshold is therefore pinned at glibc's largest (32 MiB) too.
 */
export const NO_MALLOC_TRIM_ENV = { MALLOC_TRIM_THRESHOLD_: '2000000000', MALLOC_TOP_PAD_: '67108864', MALLOC_MMAP_THRESHOLD_: '33554432' };
