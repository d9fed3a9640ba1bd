import createDebug from 'debug';
import { EventEmitter } from 'eventemitter3';
import type { DependencyContainer } from 'tsyringe';
import { WIA_ERROR_INCORRECT_HARDWARE_SETTING, WiaError } from '../hresult/index.js';
import { createUsbDriver } from './usb-driver.js';
// Type-only: the engine under a WiaDevice is loaded when the first device opens (see open()).
import type { WiaDevice, WiaDeviceOptions } from './wia-device.js';
import { WIA_EVENT_DEVICE_CONNECTED, WIA_EVENT_DEVICE_DISCONNECTED, type WiaEventGuid } from '../minidriver/events.js';
import { PluginRegistry, defaultPluginRegistry, type AnyPluginDefinition } from '../registry/index.js';
// Module by module, not through the usb/ barrel: the manager is on `@openwia/core/discovery`'s short path.
import type { UsbBackend, UsbDeviceInfo } from '../usb/backend.js';
import { formatVidPid } from '../usb/descriptors.js';
import { UsbAccessError } from '../usb/errors.js';
import type { UsbTransport } from '../usb/transport.js';

/** `DEBUG=openwia:core` shows what a person debugging a device needs: matching, opening, detaching. */
const debug = createDebug('openwia:core');

/** Where a device stands with the manager. */
export type ManagedDeviceStatus =
  /** Its plugin's driver session is open: `device` is set. */
  | 'ready'
  /** This process may not open it; `error` says why and how to fix it. */
  | 'inaccessible'
  /** No plugin matches it. */
  | 'unsupported'
  /** Opening it or starting its driver failed; `error` says why. */
  | 'failed';

/** A device on the bus as the manager knows it. */
export interface ManagedDevice {
  /** `usb:04a9:1234@1-4`: stable while the device stays in its port. */
  deviceId: string;
  info: UsbDeviceInfo;
  status: ManagedDeviceStatus;
  /** Name of the plugin driving it (ready devices). */
  plugin?: string;
  /** The open device (ready devices). */
  device?: WiaDevice;
  error?: WiaError;
}

/** Typed events of a {@link DeviceManager}. */
export interface DeviceManagerEvents {
  /** A device is ready: its driver session is open (`WIA_EVENT_DEVICE_CONNECTED`). */
  deviceConnected: (device: ManagedDevice) => void;
  /** A ready device left: its transfers failed with `WIA_ERROR_OFFLINE`, its driver was told and disposed (`WIA_EVENT_DEVICE_DISCONNECTED`). */
  deviceDisconnected: (device: ManagedDevice) => void;
  /** A device arrived that cannot be used (inaccessible, unsupported, failed). */
  deviceUnavailable: (device: ManagedDevice) => void;
  /** Every WIA event, device-level and item-level, with the device it came from. */
  event: (event: WiaEventGuid, deviceId: string, fullItemName: string | undefined) => void;
}

/** Options of a {@link DeviceManager}. */
export interface DeviceManagerOptions {
  backend: UsbBackend;
  /**
   * The plugins to match devices against, e.g. `[ptpPlugin, esclPlugin]` (see `definePlugin`);
   * a lazy one (`defineLazyPlugin`) is loaded when a device first matches it.
   */
  plugins?: readonly AnyPluginDefinition[];
  /** A registry to use instead of `plugins`. Given neither, the default registry `@wiaPlugin` fills. */
  registry?: PluginRegistry;
  /** Passed to each `WiaDevice.open` (watchdog grace, timers). */
  deviceOptions?: Omit<WiaDeviceOptions, 'deviceId' | 'resetHardware'>;
  /** How long a detach waits for a transfer in flight to settle by itself before cancelling it (ms, default 2000). */
  detachGraceMs?: number;
}

interface Session {
  managed: ManagedDevice;
  transport?: UsbTransport;
  container?: DependencyContainer;
}

/** The id apps know a USB device by. */
export function usbDeviceId(info: UsbDeviceInfo): string {
  return `usb:${formatVidPid(info.descriptor)}@${info.descriptor.location}`;
}

/**
 * Turns hotplug into driver sessions: on attach it picks the best plugin,
 * creates its driver in a child container holding the device's transport,
 * and opens a `WiaDevice`; on detach it tells the device
 * (`WiaDevice.notifyDisconnected`: the driver hears
 * `WIA_EVENT_DEVICE_DISCONNECTED`, the transfer in flight fails with
 * `WIA_ERROR_OFFLINE`, its reads aborted) and disposes everything. Work for
 * one location is serialized, so a detach during an attach is handled in order.
 */
export class DeviceManager extends EventEmitter<DeviceManagerEvents> {
  private readonly sessions = new Map<string, Session>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly registry: PluginRegistry;
  private started = false;
  private readonly onAttach = (info: UsbDeviceInfo): void => this.enqueue(info.descriptor.location, () => this.connect(info));
  private readonly onDetach = (info: UsbDeviceInfo): void => this.enqueue(info.descriptor.location, () => this.disconnect(info.descriptor.location));

  constructor(private readonly options: DeviceManagerOptions) {
    super();
    this.registry = options.registry ?? (options.plugins ? PluginRegistry.of(options.plugins) : defaultPluginRegistry);
  }

  /** Connects the devices present now and follows hotplug from then on. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.options.backend.events.on('attach', this.onAttach);
    this.options.backend.events.on('detach', this.onDetach);
    for (const info of await this.options.backend.list()) this.onAttach(info);
    await this.idle();
  }

  /** Stops following hotplug and closes every device session. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.options.backend.events.off('attach', this.onAttach);
    this.options.backend.events.off('detach', this.onDetach);
    for (const location of [...this.sessions.keys()]) this.enqueue(location, () => this.release(location));
    await this.idle();
  }

  /** Every device on the bus, usable or not. */
  devices(): ManagedDevice[] {
    return [...this.sessions.values()].map((s) => s.managed);
  }

  /** The device with this id, or `undefined`. */
  get(deviceId: string): ManagedDevice | undefined {
    return this.devices().find((d) => d.deviceId === deviceId);
  }

  /** Resolves when every queued attach/detach has been handled. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  private enqueue(location: string, work: () => Promise<void>): void {
    const next = (this.queues.get(location) ?? Promise.resolve()).then(work).catch(() => undefined);
    this.queues.set(location, next);
    void next.then(() => {
      if (this.queues.get(location) === next) this.queues.delete(location);
    });
  }

  private async connect(info: UsbDeviceInfo): Promise<void> {
    const location = info.descriptor.location;
    if (this.sessions.has(location)) await this.release(location);
    const managed: ManagedDevice = { deviceId: usbDeviceId(info), info, status: 'failed' };
    const session: Session = { managed };
    this.sessions.set(location, session);
    try {
      await this.open(session);
    } catch (err) {
      managed.error = WiaError.from(err, WIA_ERROR_INCORRECT_HARDWARE_SETTING, `cannot use ${managed.deviceId}`);
      managed.status = err instanceof UsbAccessError ? 'inaccessible' : managed.status;
      debug('%s is %s: %s', managed.deviceId, managed.status, managed.error.message);
      await this.teardown(session);
      this.emit('deviceUnavailable', managed);
      return;
    }
    debug('%s is ready, driven by plugin %s', managed.deviceId, managed.plugin);
    this.emit('deviceConnected', managed);
    this.emit('event', WIA_EVENT_DEVICE_CONNECTED, managed.deviceId, undefined);
  }

  /** Opens the transport, creates the plugin's driver and starts its session. Throws with `managed.status` set. */
  private async open(session: Session): Promise<void> {
    const { managed } = session;
    const { info } = managed;
    if (!info.accessible) {
      managed.status = 'inaccessible';
      throw new UsbAccessError(`cannot open ${managed.deviceId}`, info.inaccessibleReason ?? 'the device may not be opened by this process');
    }
    // A lazily defined plugin that matches is loaded now; one that cannot be loaded fails the device.
    await this.registry.loadMatching(info.descriptor);
    if (!this.registry.bestMatch(info.descriptor)) {
      managed.status = 'unsupported';
      throw new WiaError(WIA_ERROR_INCORRECT_HARDWARE_SETTING, `no plugin drives ${formatVidPid(info.descriptor)} (${info.descriptor.product ?? 'unknown product'})`);
    }
    const transport = await this.options.backend.open(info);
    session.transport = transport;
    // Matching again only to show every candidate: not paid for unless the log is on.
    if (debug.enabled) debug('%s: plugins matching: %o', managed.deviceId, this.registry.matches(info.descriptor).map((m) => `${m.descriptor.name} (${m.score})`));
    const binding = createUsbDriver(this.registry, info.descriptor, transport);
    session.container = binding.container;
    managed.plugin = binding.plugin.descriptor.name;
    // Loaded here rather than up front: a manager that meets no usable device (`openwia list`)
    // never loads the transfer engine (see `@openwia/core/discovery`).
    const { WiaDevice } = await import('./wia-device.js');
    const device = await WiaDevice.open(binding.driver, { ...this.options.deviceOptions, deviceId: managed.deviceId, resetHardware: () => transport.reset() });
    device.on('event', (event, item) => this.emit('event', event, managed.deviceId, item));
    managed.device = device;
    managed.status = 'ready';
  }

  private async disconnect(location: string): Promise<void> {
    const session = this.sessions.get(location);
    if (!session) return;
    const { managed } = session;
    const wasReady = managed.status === 'ready';
    debug('%s detached (was %s)', managed.deviceId, managed.status);
    if (managed.device) {
      await managed.device.notifyDisconnected();
      await this.settleTransfer(managed.device);
    }
    await this.release(location);
    if (!wasReady) return;
    this.emit('deviceDisconnected', managed);
    this.emit('event', WIA_EVENT_DEVICE_DISCONNECTED, managed.deviceId, undefined);
  }

  /** Lets a transfer in flight end (it has failed with `WIA_ERROR_OFFLINE`, its reads aborted) within a grace period. */
  private async settleTransfer(device: WiaDevice): Promise<void> {
    if (!device.busy) return;
    let timer: NodeJS.Timeout | undefined;
    const settled = new Promise<void>((resolve) => {
      device.once('transferSettled', () => resolve());
      timer = setTimeout(resolve, this.options.detachGraceMs ?? 2000);
      timer.unref();
    });
    await settled;
    clearTimeout(timer);
  }

  private async release(location: string): Promise<void> {
    const session = this.sessions.get(location);
    if (!session) return;
    this.sessions.delete(location);
    await this.teardown(session);
  }

  private async teardown(session: Session): Promise<void> {
    const { managed } = session;
    if (managed.device) await managed.device.close().catch(() => undefined);
    managed.device?.removeAllListeners();
    if (session.transport) await session.transport.close().catch(() => undefined);
    if (session.container) await Promise.resolve(session.container.dispose()).catch(() => undefined);
    session.transport = undefined;
    session.container = undefined;
  }
}
