// How busy one event loop was while something ran: the share of wall time
// the loop spent running code (event-loop utilisation, 1 = never idle) and
// the process's CPU time. Tells a CPU-bound run (ELU near 1, CPU ms per MB
// times the rate asked for exceeds a core) from one that waits.
import { performance } from 'node:perf_hooks';

/**
 * Starts measuring the event loop and the process's CPU; the returned
 * function stops and gives the figures for `bytes` moved meanwhile.
 * @returns {(bytes: number) => { elu: number, cpuMsPerMB: number }}
 */
export function startLoopLoad() {
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  return (bytes) => {
    const cpu = process.cpuUsage(cpu0);
    return { elu: performance.eventLoopUtilization(elu0).utilization, cpuMsPerMB: (cpu.user + cpu.system) / 1000 / (bytes / 1e6) };
  };
}
