// The real USB stack (node-usb → libusb → usbfs, emulated by umockdev and served by the
// testkit's virtual devices): cancel → settled through DISCARDURB, and the throughput of a
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

/** Abort → rejection of a read the device never answers: URB discarded, libusb CANCELLED, promise settled. */
async function cancelLatency(runs) {
  return withEmulatedUsb([createExampleBulkDevice()], async (backend, { addresses }) => {
    const usb = await backend.open(addresses[0].location);
    await usb.claimInterface(0);
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
    await usb.close();
    return summarize(settled);
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
async function stackDownload(camera, itemName) {
  installEmulatedUsbTransports();
  const device = await WiaDevice.open(new PtpCameraDriver(camera.device.createTransport()), { deviceId: 'usbfs:bench' });
  const sink = new CountingSink();
  const app = { TransferCallback: () => S_OK, GetNextStream: () => ({ hr: S_OK, stream: sink }) };
  const report = await device.createTransfer(itemName).transfer('download', 0, app);
  await device.close();
  if (report.outcome !== 'completed') throw new Error(`stack download ${report.outcome}: ${report.error}`);
  return sink.bytes;
}

async function throughput(quick) {
  const size = (quick ? 4 : 16) * MiB;
  const camera = createVirtualCamera({ photos: 1, largeObjects: [{ name: 'BENCH.MOV', size }] });
  const handle = camera.control.object('BENCH.MOV').handle;
  const rawStart = performance.now();
  const raw = await withEmulatedUsb([camera.device], async (_backend, { addresses }) => rawDownload(addresses[0].location, handle, 256 * 1024));
  const rawSeconds = (performance.now() - rawStart) / 1000;
  if (raw.length !== size) throw new Error(`raw loop got ${raw.length} of ${size} bytes`);
  const stackStart = performance.now();
  const got = await stackDownload(camera, 'Root\\Internal Memory\\DCIM\\100CANON\\BENCH.MOV');
  const stackSeconds = (performance.now() - stackStart) / 1000;
  if (got !== size) throw new Error(`stack got ${got} of ${size} bytes`);
  const rawMBps = size / MiB / rawSeconds;
  const stackMBps = size / MiB / stackSeconds;
  return { objectMiB: size / MiB, rawNodeUsbMBps: Number(rawMBps.toFixed(1)), wholeStackMBps: Number(stackMBps.toFixed(1)), stackToRawRatio: Number((stackMBps / rawMBps).toFixed(3)) };
}

if (process.argv.includes('--child')) {
  const quick = process.argv.includes('--quick');
  const result = { cancelToSettledMs: await cancelLatency(quick ? 50 : 300), throughput: await throughput(quick) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
