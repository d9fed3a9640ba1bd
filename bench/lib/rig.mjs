// A bench rig: the bench device, an opened transport, the bench plugin and
// an open WiaDevice on it — the whole stack a real app would use.
import { WIA_TRANSFER_ACQUIRE_CHILDREN, WiaDevice } from '@openwia/core';
import { ITEM_STREAM, createItemStreamDevice, encodeCommand } from './item-stream-device.mjs';
import { ItemStreamDriver } from './item-stream-driver.mjs';

/**
 * Opens a rig.
 * @param {object} options
 * @param {number[]} options.itemSizes
 * @param {number} [options.readSize] plugin read size = device write size
 * @param {'conforming'|'ignore-signal'} [options.behaviour]
 * @param {boolean} [options.hang] the device never sends item data
 * @param {number} [options.graceMs] watchdog grace period
 * @param {import('@openwia/testkit').SimulatedUsbBus} [options.bus] attach the device to this bus
 * @param {object} [options.hooks] onReadStarted / onCancelIo
 * @param {'unlimited'|'usb2'|'usb1'} [options.speed] bus timing of the device (default unlimited)
 */
export async function openRig({ itemSizes, readSize = 64 * 1024, behaviour = 'conforming', hang = false, graceMs, bus, hooks = {}, speed = 'unlimited' }) {
  const device = createItemStreamDevice({ itemSizes, chunkSize: readSize, hang, usb: { speed } });
  let transport;
  if (bus) {
    bus.attach(device);
    transport = await bus.open(device.descriptor.location);
  } else {
    transport = device.createTransport();
    await transport.open();
  }
  await transport.claimInterface(0);
  const driver = new ItemStreamDriver(transport, { readSize, behaviour, ...hooks });
  const wia = await WiaDevice.open(driver, {
    deviceId: `bench:${device.descriptor.location}`,
    ...(graceMs !== undefined ? { graceMs } : {}),
    // After the watchdog abandoned a plugin: a USB reset fails its forgotten read, as on hardware.
    resetHardware: () => transport.reset(),
  });
  const folder = wia.item('Root\\Items');
  return {
    device,
    transport,
    driver,
    wia,
    folder,
    totalBytes: itemSizes.reduce((a, b) => a + b, 0),
    /** One multi-item transfer of every item through the whole stack. */
    transferAll(app) {
      return wia.createTransfer(folder).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    },
    async close() {
      await wia.close();
      await transport.close();
      bus?.detach(device);
    },
  };
}

/**
 * The baseline: the same items read with a bare transferIn loop on the same
 * transport — the least any host code must do to get these bytes.
 * @returns {Promise<number>} bytes read
 */
export async function rawReadAll(transport, itemSizes, readSize) {
  let total = 0;
  for (const [index, size] of itemSizes.entries()) {
    await transport.transferOut(ITEM_STREAM.commandOut, encodeCommand(ITEM_STREAM.SEND, index));
    for (let remaining = size; remaining > 0; ) {
      const data = await transport.transferIn(ITEM_STREAM.dataIn, Math.min(readSize, remaining));
      remaining -= data.length;
      total += data.length;
    }
  }
  return total;
}
