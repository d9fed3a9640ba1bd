import type { UsbTransport } from '@openwia/core';
import type { VirtualCamera } from './virtual-camera.js';

/** A response as the raw host read it. */
export interface RawResponse {
  code: number;
  transactionId: number;
  /** The data phase's dataset (without its container header), when there was one. */
  data?: Uint8Array;
}

/**
 * The least a PTP initiator needs to talk to the virtual camera in tests of
 * the camera itself: commands out, containers in, read raw. Written for the
 * tests (not shared with any plugin codec), so that the camera is checked
 * against the standard's byte layout directly.
 */
export class RawPtpHost {
  private constructor(
    private readonly usb: UsbTransport,
    private readonly camera: VirtualCamera,
  ) {}

  /** Opens a fresh handle on the camera and claims its interface. */
  static async open(camera: VirtualCamera): Promise<RawPtpHost> {
    const usb = camera.device.createTransport();
    await usb.open();
    await usb.claimInterface(camera.endpoints.interfaceNumber);
    return new RawPtpHost(usb, camera);
  }

  /** Sends one command and reads containers until its response; data phases are skipped. */
  async transact(code: number, transactionId: number, params: number[] = []): Promise<RawResponse> {
    const command = new Uint8Array(12 + params.length * 4);
    const view = new DataView(command.buffer);
    view.setUint32(0, command.length, true);
    view.setUint16(4, 1, true);
    view.setUint16(6, code, true);
    view.setUint32(8, transactionId, true);
    params.forEach((p, i) => view.setUint32(12 + i * 4, p, true));
    await this.usb.transferOut(this.camera.endpoints.bulkOut, command);
    let data: Uint8Array | undefined;
    for (;;) {
      const container = await this.usb.transferIn(this.camera.endpoints.bulkIn, 1 << 20);
      const head = new DataView(container.buffer, container.byteOffset, container.length);
      if (head.getUint16(4, true) === 2) data = container.slice(12);
      if (head.getUint16(4, true) === 3) return { code: head.getUint16(6, true), transactionId: head.getUint32(8, true), ...(data ? { data } : {}) };
    }
  }

  /** Get Device Status (class request 0x67): the code and the endpoints listed as halted. */
  async deviceStatus(): Promise<{ code: number; halted: number[] }> {
    const setup = { requestType: 'class', recipient: 'interface', request: 0x67, value: 0, index: this.camera.endpoints.interfaceNumber } as const;
    const bytes = await this.usb.controlTransferIn(setup, 64);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const halted: number[] = [];
    for (let offset = 4; offset + 4 <= view.getUint16(0, true); offset += 4) halted.push(view.getUint32(offset, true));
    return { code: view.getUint16(2, true), halted };
  }

  /** Clears a halt the camera reported. */
  async clearHalt(endpointAddress: number): Promise<void> {
    await this.usb.clearHalt(endpointAddress);
  }

  /** Closes the handle (no CloseSession: as a host that crashed). */
  async close(): Promise<void> {
    await this.usb.close();
  }
}
