// How fast an abort of a read that would never complete settles on the
// simulated bus: median/p99 over N aborts. Run after `npx tsc -b`:
//   node bench/usb-abort-latency.mjs [N]
import { createExampleBulkDevice, EXAMPLE_ENDPOINTS } from '@openwia/testkit';

const runs = Number(process.argv[2] ?? 1000);

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${(at(0.5) * 1000).toFixed(1)} µs, p99 ${(at(0.99) * 1000).toFixed(1)} µs, max ${(sorted.at(-1) * 1000).toFixed(1)} µs`;
}

async function measure(speed) {
  const device = createExampleBulkDevice({ speed });
  device.faults.nakForever(EXAMPLE_ENDPOINTS.bulkIn);
  const usb = device.createTransport();
  await usb.open();
  await usb.claimInterface(0);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const controller = new AbortController();
    const read = usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 65536, { signal: controller.signal });
    await new Promise((r) => setImmediate(r)); // the read is really waiting now
    const t0 = performance.now();
    controller.abort();
    await read.catch(() => undefined);
    samples.push(performance.now() - t0);
  }
  await usb.close();
  return stats(samples);
}

for (const speed of ['unlimited', 'usb2']) console.log(`abort of a NAK-forever read, ${speed}: ${await measure(speed)} (n=${runs})`);
