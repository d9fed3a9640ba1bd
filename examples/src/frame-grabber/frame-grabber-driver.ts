import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import {
  AbortableMiniDriver,
  USB_TRANSPORT,
  WIA_CATEGORY_FINISHED_FILE,
  WIA_ERROR_INVALID_DRIVER_RESPONSE,
  WiaError,
  WiaItemType,
  definePlugin,
  type ItemReader,
  type UsbTransport,
  type WiaDrvItem,
} from '@openwia/core';
import { FRAME_GRABBER as FG } from './protocol.js';

/**
 * The Acme frame grabber's plugin: the whole of what a vendor writes. Items,
 * an abortable read (the signal goes to every USB call), and `cancelDevice`
 * so that a cancelled frame does not linger in the grabber.
 */
@injectable()
export class FrameGrabberDriver extends AbortableMiniDriver {
  constructor(@inject(USB_TRANSPORT) private readonly usb: UsbTransport) {
    super();
  }

  protected async buildItemTree(root: WiaDrvItem, signal: AbortSignal): Promise<void> {
    if (!this.usb.opened) await this.usb.open();
    await this.usb.claimInterface(0);
    await this.usb.transferOut(FG.commandOut, Uint8Array.of(FG.LIST), { signal });
    const answer = Buffer.from(await this.usb.transferIn(FG.dataIn, 1 + 4 * 255, { signal }));
    const count = answer[0] ?? 0;
    if (answer.length !== 1 + 4 * count) throw new WiaError(WIA_ERROR_INVALID_DRIVER_RESPONSE, `LIST answered ${answer.length} bytes for ${count} frames`);
    const frames = root.addChild({ name: 'Frames', flags: WiaItemType.Folder, category: WIA_CATEGORY_FINISHED_FILE });
    for (let n = 0; n < count; n++) {
      frames.addChild({ name: `Frame${n + 1}.raw`, flags: WiaItemType.Image | WiaItemType.File | WiaItemType.Transfer, context: { n, size: answer.readUInt32LE(1 + 4 * n) } });
    }
  }

  protected async openItem(item: WiaDrvItem, signal: AbortSignal): Promise<ItemReader> {
    const { n, size } = item.context as { n: number; size: number };
    await this.usb.transferOut(FG.commandOut, Uint8Array.of(FG.SEND, n), { signal });
    let remaining = size;
    return {
      size,
      read: async (buffer, readSignal) => {
        if (remaining === 0) return 0;
        let data = await this.usb.transferIn(FG.dataIn, Math.min(buffer.length, remaining), { signal: readSignal });
        // A frame whose size is a multiple of the packet size is closed by a zero-length packet, which
        // the read that took its last bytes leaves queued: at the start of the next frame, skip it.
        if (data.length === 0 && remaining === size) data = await this.usb.transferIn(FG.dataIn, Math.min(buffer.length, remaining), { signal: readSignal });
        if (data.length === 0) throw new WiaError(WIA_ERROR_INVALID_DRIVER_RESPONSE, `frame ${n + 1} ended ${remaining} bytes early`);
        buffer.set(data);
        remaining -= data.length;
        return data.length;
      },
      close: async () => undefined,
    };
  }

  /** After a cancel the grabber still holds the rest of the frame: tell it to drop it. */
  protected override async cancelDevice(): Promise<void> {
    await this.usb.transferOut(FG.commandOut, Uint8Array.of(FG.ABORT));
  }

  override async drvUnInitializeWia(): Promise<void> {
    await super.drvUnInitializeWia();
    await this.usb.releaseInterface(0).catch(() => undefined);
    await this.usb.close();
  }
}

/** The plugin as a value: what it drives, and its driver. Apps list it: `new DeviceManager({ backend, plugins: [frameGrabberPlugin] })`. */
export const frameGrabberPlugin = definePlugin({ name: 'acme-frame-grabber', match: [{ vendorId: FG.vendorId, productId: FG.productId }] }, FrameGrabberDriver);
