// The real USB stack (node-usb → libusb → usbfs, emulated by umockdev and served by the
// testkit's virtual devices): cancel → settled through DISCARDURB, when a 300 ms timeout
// rejects (the transport's own timer), and the throughput of a
// raw node-usb loop vs the whole OpenWIA stack (WiaDevice + PTP plugin + NodeUsbTransport)
// downloading the same object from the same virtual camera, as a ratio in one run.
// libusb must start under umockdev's preload library, so the measurement runs in a child
// process under umockdev-wrapper; the parent only starts it and reads its JSON.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { S_OK, WiaDevice } from '@openwia/core';
import { PtpCameraDriver } from '@openwia/device-plugins';
import {
  EXAMPLE_ENDPOINTS,
  createExampleBulkDevice,
  createVirtualCamera,
  installEmulatedUsbTransports,
  umockdevMissing,
  withEmulatedUsb,
} from '@openwia/testkit';
import { summarize } from '../lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const MiB = 1024 * 1024;

/** Runs the measurement under umockdev-wrapper; `{ skipped }` when umockdev is missing. */
export async function measureRealUsb({ quick = false } = {}) {
  const missing = umockdevMissing();
  if (missing) return { skipped: `${missing} (apt-get install -y umockdev gir1.2-umockdev-1.0 python3-gi)` };
  const args = [process.execPath, SELF, '--child', ...(quick ? ['--quick'] : [])];
  const out = await new Promise((resolve, reject) => {
    const child = spawn('umockdev-wrapper', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`real-usb bench child exited ${code}: ${text}`))));
  });
  return JSON.parse(out);
}

/** Runs `measure(usb)` on a fresh claimed handle to an example bulk device; its bulk IN never answers unless written. */
async function onIdleBulkDevice(measure) {
  return withEmulatedUsb([createExampleBulkDevice()], async (backend, { addresses }) => {
    const usb = await backend.open(addresses[0].location);
    await usb.claimInterface(0);
    try {
      return await measure(usb);
    } finally {
      await usb.close();
    }
  });
}

/** Abort → rejection of a read the device never answers: URB discarded, libusb CANCELLED, promise settled. */
async function cancelLatency(runs) {
  return onIdleBulkDevice(async (usb) => {
    const settled = [];
    for (let i = 0; i < runs; i++) {
      const controller = new AbortController();
      const read = usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512, { signal: controller.signal }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 2)); // the URB is submitted and pending at the device
      const t0 = performance.now();
      controller.abort();
      await read;
      settled.push(performance.now() - t0);
    }
    return summarize(settled);
  });
}

/** A read with a 300 ms timeout on an idle device: when it rejects (node-usb 2.18's libusb alone noticed after up to 60 s). */
async function timeoutFigure(runs) {
  return onIdleBulkDevice(async (usb) => {
    const elapsed = [];
    for (let i = 0; i < runs; i++) {
      await new Promise((r) => setTimeout(r, 200)); // idle: libusb's event thread asleep in poll()
      const t0 = performance.now();
      await usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512, { timeoutMs: 300 }).catch(() => undefined);
      elapsed.push(performance.now() - t0);
    }
    return summarize(elapsed);
  });
}

function container(type, code, transactionId, params = []) {
  const bytes = Buffer.alloc(12 + params.length * 4);
  bytes.writeUInt32LE(bytes.length, 0);
  bytes.writeUInt16LE(type, 4);
  bytes.writeUInt16LE(code, 6);
  bytes.writeUInt32LE(transactionId, 8);
  params.forEach((p, i) => bytes.writeUInt32LE(p, 12 + i * 4));
  return bytes;
}

/** One node-usb Transfer, as a promise. */
function rawTransfer(usb, device, endpoint, buffer) {
  return new Promise((resolve, reject) => {
    const t = new usb.Transfer(device, endpoint, 2, 0, (err, buf, n) => (err ? reject(err) : resolve(buf.subarray(0, n))));
    t.submit(buffer);
  });
}

/** PTP by hand on node-usb: OpenSession, GetObject (reads of `chunk` bytes), CloseSession. Returns the object's bytes. */
async function rawDownload(location, handle, chunk) {
  const usb = await import('usb');
  const device = usb.getDeviceList().find((d) => `${d.busNumber}-${(d.portNumbers ?? []).join('.')}` === location);
  device.open();
  const iface = device.interface(0);
  iface.claim();
  const out = iface.endpoints.find((e) => e.direction === 'out' && e.transferType === 2).address;
  const inn = iface.endpoints.find((e) => e.direction === 'in' && e.transferType === 2).address;
  const command = async (code, tid, params) => rawTransfer(usb, device, out, container(1, code, tid, params));
  const response = () => rawTransfer(usb, device, inn, Buffer.alloc(512));
  await command(0x1002, 0, [1]);
  await response();
  await command(0x1009, 1, [handle]);
  const parts = [];
  let received = 0;
  let total = Infinity;
  while (received < total) {
    const part = await rawTransfer(usb, device, inn, Buffer.alloc(chunk));
    if (total === Infinity) total = part.readUInt32LE(0);
    parts.push(part);
    received += part.length;
  }
  await response();
  await command(0x1003, 2, []);
  await response();
  await new Promise((r) => iface.release(r));
  device.close();
  return Buffer.concat(parts).subarray(12);
}

class CountingSink extends Writable {
  bytes = 0;
  _write(chunk, _enc, done) {
    this.bytes += chunk.length;
    done();
  }
}

/** The whole stack: WiaDevice → PTP plugin → NodeUsbTransport → libusb → usbfs → the same virtual camera. */
/** The whole stack's download of `itemName`: seconds for the transfer alone (the session is opened before, closed after). */
async function stackDownload(camera, itemName, size) {
  installEmulatedUsbTransports();
  const device = await WiaDevice.open(new PtpCameraDriver(camera.device.createTransport()), { deviceId: 'usbfs:bench' });
  try {
    const sink = new CountingSink();
    const app = { TransferCallback: () => S_OK, GetNextStream: () => ({ hr: S_OK, stream: sink }) };
    const t0 = performance.now();
    const report = await device.createTransfer(itemName).transfer('download', 0, app);
    const seconds = (performance.now() - t0) / 1000;
    if (report.outcome !== 'completed') throw new Error(`stack download ${report.outcome}: ${report.error}`);
    if (sink.bytes !== size) throw new Error(`stack got ${sink.bytes} of ${size} bytes`);
    return seconds;
  } finally {
    await device.close();
  }
}

/** The raw node-usb loop's download of the same object: seconds for the PTP exchange alone (plugged and enumerated before). */
async function rawSeconds(camera, handle, size) {
  return withEmulatedUsb([camera.device], async (_backend, { addresses }) => {
    const t0 = performance.now();
    const raw = await rawDownload(addresses[0].location, handle, 256 * 1024);
    const seconds = (performance.now() - t0) / 1000;
    if (raw.length !== size) throw new Error(`raw loop got ${raw.length} of ${size} bytes`);
    return seconds;
  });
}

/** Raw loop and whole stack on the same object, in interleaved rounds (alternating which goes first); medians and their ratio. */
async function throughput(quick) {
  const size = (quick ? 4 : 16) * MiB;
  const rounds = quick ? 2 : 5;
  const camera = createVirtualCamera({ photos: 1, largeObjects: [{ name: 'BENCH.MOV', size }] });
  const handle = camera.control.object('BENCH.MOV').handle;
  const item = 'Root\\Internal Memory\\DCIM\\100CANON\\BENCH.MOV';
  const raw = [];
  const stack = [];
  for (let round = 0; round < rounds; round++) {
    const runRaw = async () => raw.push(size / MiB / (await rawSeconds(camera, handle, size)));
    const runStack = async () => stack.push(size / MiB / (await stackDownload(camera, item, size)));
    if (round % 2 === 0) await runRaw().then(runStack);
    else await runStack().then(runRaw);
  }
  const rawMBps = summarize(raw).p50;
  const stackMBps = summarize(stack).p50;
  const ratios = raw.map((r, i) => stack[i] / r);
  return {
    objectMiB: size / MiB,
    rounds,
    rawNodeUsbMBps: Number(rawMBps.toFixed(1)),
    wholeStackMBps: Number(stackMBps.toFixed(1)),
    stackToRawRatio: Number((stackMBps / rawMBps).toFixed(3)),
    perRoundRatios: ratios.map((r) => Number(r.toFixed(3))),
  };
}

if (process.argv.includes('--child')) {
  const quick = process.argv.includes('--quick');
  const result = {
    cancelToSettledMs: await cancelLatency(quick ? 50 : 300),
    timeout300MsRejectedAfterMs: await timeoutFigure(quick ? 3 : 10),
    throughput: await throughput(quick),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
