// Runs a plugin's decoders on input posted by the fuzzer — the PTP container
// codec and datasets on bytes (suite `ptp`), or the eSCL XML parsers on a
// document (suite `escl`) — in a worker thread, so that a decoder that never returns (a synchronous hang) is caught
// by the main thread's deadline instead of freezing the fuzzer. Answers, per
// case, how many decoders refused the bytes with a typed error, or the first
// crash, and the memory the decoded values hold.
import { parentPort, workerData } from 'node:worker_threads';
import { WIA_ERROR_DEVICE_COMMUNICATION } from '@openwia/core';
import { EsclXmlError, parseCapabilities, parseStatus } from '@openwia/device-plugins/escl/codec';
import { PtpContainerCodec, PtpProtocolError, parseDeviceInfo, parseObjectInfo, parseStorageInfo, parseU32ArrayDataset } from '@openwia/device-plugins/ptp/codec';

const SUITES = {
  ptp: {
    decoders: [
      (b) => PtpContainerCodec.decodeHeader(b),
      (b) => PtpContainerCodec.decodeResponse(b),
      (b) => PtpContainerCodec.decodeEvent(b),
      (b) => parseDeviceInfo(b),
      (b) => parseStorageInfo(b),
      (b) => parseObjectInfo(b),
      (b) => parseU32ArrayDataset(b, 'fuzz'),
    ],
    typed: (err) => err instanceof PtpProtocolError,
  },
  escl: {
    decoders: [(body) => parseStatus(body), (body) => parseCapabilities(body)],
    typed: (err) => err instanceof EsclXmlError && err.hresult === WIA_ERROR_DEVICE_COMMUNICATION,
  },
};
const { decoders: DECODERS, typed } = SUITES[workerData?.suite ?? 'ptp'];

// Planted faults (bench/fuzz/planted.mjs proves the checks fire): a decoder that never returns, one that holds 128 MiB.
if (workerData?.plant === 'sync-hang') DECODERS.push(() => { for (;;); });
if (workerData?.plant === 'decoder-memory') DECODERS.push(() => new Uint8Array(128 * 2 ** 20));

parentPort.postMessage('ready'); // the deadline starts once the decoders are loaded

parentPort.on('message', (bytes) => {
  let typedErrors = 0;
  let crash;
  const before = process.memoryUsage().arrayBuffers;
  const held = [];
  for (const decode of DECODERS) {
    try {
      held.push(decode(bytes));
    } catch (err) {
      if (typed(err)) typedErrors++;
      else crash ??= err?.stack ?? String(err);
    }
  }
  const heldBytes = process.memoryUsage().arrayBuffers - before;
  held.length = 0;
  parentPort.postMessage({ typedErrors, decoders: DECODERS.length, crash, heldBytes });
});
