// Memory: peak RSS and heap growth of a 1 GiB, 100-item transfer streamed to
// disk, measured in a child process of its own.
import { fileURLToPath } from 'node:url';
import { runJsonChild } from '../lib/json-child.mjs';
import { mbPerSecond, mib } from '../lib/stats.mjs';

const child = fileURLToPath(new URL('./memory-child.mjs', import.meta.url));

/**
 * @param {{ quick?: boolean }} options
 */
export async function measureMemory({ quick = false } = {}) {
  const bytes = quick ? 256 * 1024 * 1024 : 1024 * 1024 * 1024;
  const chunk = 256 * 1024;
  const r = await runJsonChild(child, ['--bytes', String(bytes), '--items', '100', '--chunk', String(chunk)], ['--expose-gc']);
  if (r.written !== r.totalBytes) throw new Error(`memory run wrote ${r.written} of ${r.totalBytes} bytes`);
  return {
    method: `${mib(r.totalBytes)} MiB in ${r.items} items (${r.readSize / 1024} KiB reads), unlimited bus speed, each item streamed to a file in os.tmpdir() (deleted after); own process, RSS sampled every 20 ms and process.resourceUsage().maxRSS`,
    totalMiB: mib(r.totalBytes),
    peakRssMiB: mib(r.peakRss),
    baseRssMiB: mib(r.baseRss),
    rssGrowthMiB: mib(r.peakRss - r.baseRss),
    peakHeapMiB: mib(r.peakHeap),
    heapGrowthMiB: mib(r.endHeap - r.baseHeap),
    transferSeconds: Number((r.transferMs / 1000).toFixed(2)),
    throughputMBps: mbPerSecond(r.totalBytes, r.flushedMs),
    // Where the time went: kernel time is the file writes; user time is the stack.
    cpuSeconds: { user: Number((r.userCpuMs / 1000).toFixed(2)), system: Number((r.systemCpuMs / 1000).toFixed(2)) },
  };
}
