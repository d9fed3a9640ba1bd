import type { TransferTimers, UsbInterfaceDescriptor } from '@openwia/core';
import { SimulatedUsbDevice, type SimulatedDeviceDescriptor, type SimulatedUsbDeviceOptions } from '../usb/index.js';
import { DeviceConnection, type DevicePipePair } from './device-connection.js';
import { EsclServer } from './escl-server.js';
import type { VirtualPageFormat } from './page-renderer.js';
import { VirtualScannerControl } from './scanner-state.js';

/** Options of {@link createVirtualScanner}. */
export interface VirtualScannerOptions {
  /** IPP-USB (7/1/4) interfaces, each one HTTP connection (default 2). */
  interfaces?: number;
  /** Sheets loaded in the feeder (default 10); `false` for a flatbed-only scanner. */
  feederSheets?: number | false;
  duplex?: boolean;
  /** Milliseconds each page takes to scan before its data flows (default 0). */
  scanDelayMs?: number;
  /** Largest scan area in 1/300 inch (default US Letter, 2550 × 3300). */
  maxWidth?: number;
  maxHeight?: number;
  /** Offered resolutions in dpi (default 75, 150, 300, 600). */
  resolutions?: number[];
  /** X×Y resolutions offered beside the square ones (none by default). */
  nonSquareResolutions?: Array<[number, number]>;
  /** Offered formats (default JPEG and PDF, what real scanners offer; PNG on request). */
  formats?: VirtualPageFormat[];
  /** Offered color modes (default the three 8-bit ones); 16-bit modes are drawn with 8-bit content. */
  colorModes?: Array<'BlackAndWhite1' | 'Grayscale8' | 'Grayscale16' | 'RGB24' | 'RGB48'>;
  /** Lists `scan:AutoColorDetection` (HP's spelling): pages then come out in colour when odd, grayscale when even. */
  autoColorDetection?: boolean;
  /** `scan:SupportedIntents` (default Document, TextAndGraphic, Photo, Preview); a job asking for another is refused (409). */
  intents?: string[];
  /** Ended jobs kept in `ScannerStatus`, oldest dropped first (default 64). */
  jobHistory?: number;
  /** Milliseconds a job may wait with nobody reading it before the scanner aborts it (default 60 000; `0`: for ever). */
  abandonedJobMs?: number;
  /** The clock of that wait (tests drive it with `ManualTimers`); Node's timers by default. */
  clock?: TransferTimers;
  /** Bytes per chunk of a page's response (default 16 KiB). */
  chunkSize?: number;
  jpegQuality?: number;
  /** Bus timing and packet strictness of the simulated USB device (default unlimited speed). */
  usb?: SimulatedUsbDeviceOptions;
  model?: string;
}

/** A virtual scanner: the simulated USB device to plug in, and the control a test drives it with. */
export interface VirtualScanner {
  device: SimulatedUsbDevice;
  control: VirtualScannerControl;
  /** The eSCL service behind the interfaces. */
  server: EsclServer;
}

const FIRST_IN = 0x81;
const FIRST_OUT = 0x01;

function ippUsbInterface(n: number): UsbInterfaceDescriptor {
  return {
    interfaceNumber: n,
    alternateSetting: 0,
    interfaceClass: 7,
    interfaceSubclass: 1,
    interfaceProtocol: 4,
    endpoints: [
      { address: FIRST_IN + n, direction: 'in', type: 'bulk', maxPacketSize: 512 },
      { address: FIRST_OUT + n, direction: 'out', type: 'bulk', maxPacketSize: 512 },
    ],
  };
}

/** The descriptor of the virtual multifunction device: `count` IPP-USB interfaces. */
export function virtualScannerDescriptor(count: number, model: string): SimulatedDeviceDescriptor {
  return {
    vendorId: 0x1d6b,
    productId: 0x0e5c,
    deviceClass: 0,
    deviceSubclass: 0,
    deviceProtocol: 0,
    manufacturer: 'OpenWIA',
    product: model,
    serialNumber: 'VSCAN0001',
    configurations: [{ configurationValue: 1, interfaces: Array.from({ length: count }, (_, n) => ippUsbInterface(n)) }],
  };
}

/**
 * Creates a virtual eSCL scanner on a simulated IPP-USB device: a real Node
 * `http` server whose connections run over the device's bulk endpoints, with
 * a flatbed and a feeder of generated, visibly numbered pages (JPEG, PDF or PNG),
 * scan delays and fault injection through `control`.
 */
export function createVirtualScanner(options: VirtualScannerOptions = {}): VirtualScanner {
  const count = options.interfaces ?? 2;
  const model = options.model ?? 'OpenWIA Virtual Scanner';
  const device = new SimulatedUsbDevice(virtualScannerDescriptor(count, model), options.usb);
  const feeder = options.feederSheets !== false;
  const control = new VirtualScannerControl({ feederSheets: feeder ? (options.feederSheets as number | undefined) ?? 10 : 0, scanDelayMs: options.scanDelayMs ?? 0, jobHistory: options.jobHistory, abandonedJobMs: options.abandonedJobMs, clock: options.clock });
  const server = new EsclServer(control, {
    model,
    serial: 'VSCAN0001',
    caps: {
      maxWidth: options.maxWidth ?? 2550,
      maxHeight: options.maxHeight ?? 3300,
      resolutions: options.resolutions ?? [75, 150, 300, 600],
      ...(options.nonSquareResolutions ? { nonSquareResolutions: options.nonSquareResolutions } : {}),
      colorModes: options.colorModes ?? ['BlackAndWhite1', 'Grayscale8', 'RGB24'],
      formats: options.formats ?? ['image/jpeg', 'application/pdf'],
      ...(options.autoColorDetection ? { autoColorDetection: true } : {}),
      ...(options.intents ? { intents: options.intents } : {}),
    },
    feeder: feeder ? { duplex: options.duplex ?? false, capacity: 50 } : undefined,
    chunkSize: options.chunkSize ?? 16 * 1024,
    jpegQuality: options.jpegQuality ?? 85,
  });
  const pipes: DevicePipePair[] = Array.from({ length: count }, (_, n) => ({ interfaceNumber: n, inEndpoint: FIRST_IN + n, outEndpoint: FIRST_OUT + n }));
  const live = new Set<DeviceConnection>();
  const connect = (pair: DevicePipePair): void => {
    if (!device.connected) return;
    const connection = new DeviceConnection(device, pair);
    live.add(connection);
    connection.on('error', () => undefined);
    // One HTTP connection per interface for as long as the device is plugged: a closed one is replaced.
    connection.once('close', () => {
      live.delete(connection);
      if (device.connected) connect(pair);
    });
    server.server.emit('connection', connection);
  };
  const dropAll = (): void => {
    for (const connection of [...live]) connection.destroy();
  };
  device.events.on('unplug', () => {
    dropAll();
    for (const job of control.jobs) control.endJob(job, 'Aborted', 'DeviceDisconnected');
  });
  device.events.on('plug', () => {
    if (live.size === 0) pipes.forEach(connect);
  });
  device.events.on('reset', () => dropAll());
  pipes.forEach(connect);
  return { device, control, server };
}
