import {
  E_INVALIDARG,
  NodeUsbBackend,
  WIA_ERROR_OFFLINE,
  WiaError,
  formatVidPid,
  type UsbBackend,
  type UsbDeviceDescriptor,
  type UsbDeviceInfo,
  type UsbTransport,
} from '@openwia/core';
import type { SimulatedFaults } from '../usb/index.js';
import { asFixture, type ResolvedTarget } from './target.js';

/** One session's device: the transport the plugin gets and what the suite may know or do besides. */
export interface DeviceUnderTest {
  /** For reports, e.g. `virtual device sim-3 (1d6b:0104 Example bulk device)`. */
  readonly label: string;
  readonly descriptor: UsbDeviceDescriptor;
  /** The real transport (unopened for a virtual device; opened, as the backend hands it out, for hardware). */
  readonly transport: UsbTransport;
  /** Fault injection, on a virtual device only: lets the suite hold a read in flight. */
  readonly faults: SimulatedFaults | undefined;
  /** Interfaces claimed on the device by any handle, when the device can tell (virtual devices). */
  claimedInterfaces(): number[] | undefined;
  /** What the device served for an item in the last transfer, when it knows. */
  contentOf(fullItemName: string): Uint8Array | undefined;
}

/** Where each session's device comes from: the target's virtual device, or real hardware. */
export interface DeviceSource {
  /** `virtual device` or `usb:04a9:1234@1-4 (Product)`. */
  readonly label: string;
  /** `true` for real hardware (no fault injection, no content knowledge). */
  readonly hardware: boolean;
  /** A fresh device handle for one session. */
  open(): Promise<DeviceUnderTest>;
  /** Releases the backend. */
  dispose(): Promise<void>;
}

function describeDevice(d: UsbDeviceDescriptor): string {
  return `${formatVidPid(d)}${d.product ? ` ${d.product}` : ''}`;
}

/** Each session gets a new virtual device from the target. */
export function virtualDeviceSource(target: ResolvedTarget): DeviceSource {
  return {
    label: 'virtual device',
    hardware: false,
    async open(): Promise<DeviceUnderTest> {
      const fixture = asFixture(await target.device());
      const { device } = fixture;
      return {
        label: `virtual device ${device.descriptor.location} (${describeDevice(device.descriptor)})`,
        descriptor: device.descriptor,
        transport: device.createTransport(),
        faults: device.faults,
        claimedInterfaces: () => device.claimedInterfaces,
        contentOf: (name) => fixture.contentOf?.(name),
      };
    },
    async dispose(): Promise<void> {},
  };
}

/** A parsed `usb:VID:PID[@location]`. */
export interface HardwareDeviceSpec {
  vendorId: number;
  productId: number;
  location?: string;
  /** As written. */
  text: string;
}

/** Parses `usb:04a9:1234` or `usb:04a9:1234@1-4`; `E_INVALIDARG` for anything else. */
export function parseHardwareSpec(text: string): HardwareDeviceSpec {
  const match = /^usb:([0-9a-f]{1,4}):([0-9a-f]{1,4})(?:@(\S+))?$/i.exec(text.trim());
  if (!match) throw new WiaError(E_INVALIDARG, `"${text}" does not name a USB device: write usb:VID:PID or usb:VID:PID@location (hex ids, e.g. usb:04a9:1234)`);
  const spec: HardwareDeviceSpec = { vendorId: parseInt(match[1]!, 16), productId: parseInt(match[2]!, 16), text: text.trim() };
  if (match[3]) spec.location = match[3];
  return spec;
}

/**
 * Finds the named device on the real USB bus. Throws `WIA_ERROR_OFFLINE`
 * ("device usb:… not found") when it is not there, and says why when it is
 * there but may not be opened — a hardware run must never pass vacuously.
 * `loadBackend` is replaceable for tests.
 */
export async function hardwareDeviceSource(text: string, loadBackend: () => Promise<UsbBackend> = () => NodeUsbBackend.load()): Promise<DeviceSource> {
  const spec = parseHardwareSpec(text);
  let backend: UsbBackend;
  try {
    backend = await loadBackend();
  } catch (err) {
    throw new WiaError(WIA_ERROR_OFFLINE, `device ${spec.text} not found: the USB backend is unavailable (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  let info: UsbDeviceInfo;
  try {
    info = await findDevice(backend, spec);
  } catch (err) {
    await backend.dispose();
    throw err;
  }
  const label = `usb:${formatVidPid(info.descriptor)}@${info.descriptor.location}${info.descriptor.product ? ` (${info.descriptor.product})` : ''}`;
  return {
    label,
    hardware: true,
    async open(): Promise<DeviceUnderTest> {
      const transport = await backend.open(info);
      return { label, descriptor: transport.descriptor, transport, faults: undefined, claimedInterfaces: () => undefined, contentOf: () => undefined };
    },
    dispose: () => backend.dispose(),
  };
}

async function findDevice(backend: UsbBackend, spec: HardwareDeviceSpec): Promise<UsbDeviceInfo> {
  const listed = await backend.list();
  const found = listed.find(
    (d) => d.descriptor.vendorId === spec.vendorId && d.descriptor.productId === spec.productId && (spec.location === undefined || d.descriptor.location === spec.location),
  );
  if (!found) {
    throw new WiaError(WIA_ERROR_OFFLINE, `device ${spec.text} not found (${listed.length} USB device(s) on the bus, none is ${formatVidPid(spec)}${spec.location ? ` at ${spec.location}` : ''})`);
  }
  if (!found.accessible) throw new WiaError(WIA_ERROR_OFFLINE, `device ${spec.text} found but not accessible: ${found.inaccessibleReason ?? 'this process may not open it'}`);
  return found;
}
