import { SimulatedUsbDevice, type SimulatedDeviceDescriptor, type SimulatedUsbDeviceOptions } from '../usb/index.js';
import { addHostileObjects, addPhotoFolders, addTangledObjects, addLargeObject, addPhoto, CARD_STORAGE_ID, INTERNAL_STORAGE_ID, type PhotoSizes } from './camera-content.js';
import { CameraEngine, type CameraEndpoints, type CameraEngineOptions } from './camera-engine.js';
import { CameraResponder, type CameraIdentity } from './camera-responder.js';
import { CameraStore } from './camera-store.js';
import { VirtualCameraControl } from './camera-control.js';

/** What a virtual camera holds and how it behaves. Everything is optional. */
export interface VirtualCameraOptions extends Partial<CameraEngineOptions> {
  /** Photos spread over the two storages, first one fuller (default 5). */
  photos?: number;
  /** Pixel size of photos (default 320×240) and thumbnails (default 160×120). */
  photoSize?: { width: number; height: number };
  thumbnailSize?: { width: number; height: number };
  /** Large synthetic objects (bytes generated on demand), on the internal storage unless `storage: 'card'`. */
  largeObjects?: Array<{ name: string; size: number; storage?: 'internal' | 'card' }>;
  /** Adds objects with hostile metadata (path tricks, absurd sizes) to the card. */
  hostileObjects?: boolean;
  /** Adds objects whose ParentObject lies (folders in a cycle, a self-parented folder, missing parents) to the card. */
  tangledFolders?: boolean;
  /** Offer GetPartialObject (default true). */
  partialObjects?: boolean;
  /** Raise ObjectRemoved also for deletions the host asked for (default true). */
  eventOnHostDelete?: boolean;
  /** Bulk max packet size (default 512, high speed); interrupt (default 16, so events span packets). */
  bulkPacketSize?: number;
  interruptPacketSize?: number;
  identity?: Partial<CameraIdentity>;
  /**
   * A real camera's DeviceInfo dataset (without the container header), e.g. a
   * capture from a fixtures folder: GetDeviceInfo answers it byte for byte, so
   * a host meets what that camera says about itself (its vendor extension,
   * operations and names, cut short if the capture is).
   */
  recordedDeviceInfo?: Uint8Array;
  /** Options of the simulated USB device (speed, strict packet sizes). */
  usb?: SimulatedUsbDeviceOptions;
}

/** A virtual camera: the simulated USB device to plug in, and the handle to play the camera's side. */
export interface VirtualCamera {
  /** Plug it into a `SimulatedUsbBus`, or `device.createTransport()` for a host handle. */
  device: SimulatedUsbDevice;
  control: VirtualCameraControl;
  endpoints: CameraEndpoints;
}

/** Endpoint layout of every virtual camera. */
export const VIRTUAL_CAMERA_ENDPOINTS: CameraEndpoints = { interfaceNumber: 0, bulkIn: 0x81, bulkOut: 0x02, interruptIn: 0x83 };

/** The USB descriptor of a virtual camera: one still-image interface (class 6/1/1). */
export function virtualCameraDescriptor(options: Pick<VirtualCameraOptions, 'bulkPacketSize' | 'interruptPacketSize' | 'identity'> = {}): SimulatedDeviceDescriptor {
  const ep = VIRTUAL_CAMERA_ENDPOINTS;
  const bulk = options.bulkPacketSize ?? 512;
  return {
    vendorId: 0x1d6b,
    productId: 0x0106,
    deviceClass: 0,
    deviceSubclass: 0,
    deviceProtocol: 0,
    manufacturer: options.identity?.manufacturer ?? 'OpenWIA',
    product: options.identity?.model ?? 'Virtual PTP Camera',
    serialNumber: options.identity?.serialNumber ?? 'VCAM0001',
    configurations: [
      {
        configurationValue: 1,
        interfaces: [
          {
            interfaceNumber: ep.interfaceNumber,
            alternateSetting: 0,
            interfaceClass: 6,
            interfaceSubclass: 1,
            interfaceProtocol: 1,
            endpoints: [
              { address: ep.bulkIn, direction: 'in', type: 'bulk', maxPacketSize: bulk },
              { address: ep.bulkOut, direction: 'out', type: 'bulk', maxPacketSize: bulk },
              { address: ep.interruptIn, direction: 'in', type: 'interrupt', maxPacketSize: options.interruptPacketSize ?? 16 },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * Builds a virtual PTP camera that speaks real PTP over simulated bulk and
 * interrupt endpoints: by default two storages ("Internal Memory" with three
 * photos, "SD Card" with two), each photo a real JPEG with its thumbnail, in
 * `DCIM/100CANON` as a camera keeps them: folders are association objects
 * and every object names its folder as ParentObject.
 *
 * @example
 * ```ts
 * const { device, control } = createVirtualCamera({ largeObjects: [{ name: 'MVI_0001.MOV', size: 8 << 20 }] });
 * const transport = device.createTransport();
 * control.addPhoto();             // a new picture arrives: ObjectAdded on the interrupt endpoint
 * control.faults.arm('holdData'); // the next data phase waits (cancel "before data")
 * ```
 */
export function createVirtualCamera(options: VirtualCameraOptions = {}): VirtualCamera {
  const identity: CameraIdentity = { manufacturer: 'OpenWIA', model: 'Virtual PTP Camera', version: '1.0', serialNumber: 'VCAM0001', ...options.identity };
  const device = new SimulatedUsbDevice(virtualCameraDescriptor(options), options.usb);
  const store = new CameraStore();
  const sizes: PhotoSizes = { photo: options.photoSize ?? { width: 320, height: 240 }, thumbnail: options.thumbnailSize ?? { width: 160, height: 120 } };
  fillStore(store, options, sizes);

  let engine: CameraEngine | undefined;
  const responder = new CameraResponder({
    store,
    identity,
    partialObjects: options.partialObjects ?? true,
    eventOnHostDelete: options.eventOnHostDelete ?? true,
    ...(options.recordedDeviceInfo ? { recordedDeviceInfo: options.recordedDeviceInfo } : {}),
    sendEvent: (code, params) => void engine?.sendEvent(code, params),
  });
  engine = new CameraEngine(device, VIRTUAL_CAMERA_ENDPOINTS, responder, {
    chunkSize: options.chunkSize ?? 64 * 1024,
    flushOnCancel: options.flushOnCancel ?? false,
    cancelledResponse: options.cancelledResponse ?? false,
    statusPollsAfterCancel: options.statusPollsAfterCancel ?? 2,
    busyAfterCancel: options.busyAfterCancel ?? 1,
  });
  const control = new VirtualCameraControl(device, store, responder, engine, sizes);
  return { device, control, endpoints: VIRTUAL_CAMERA_ENDPOINTS };
}

function fillStore(store: CameraStore, options: VirtualCameraOptions, sizes: PhotoSizes): void {
  store.addStorage({ id: INTERNAL_STORAGE_ID, description: 'Internal Memory', volumeLabel: 'INTERNAL', capacity: 8 * 2 ** 30, freeSpace: 6 * 2 ** 30 });
  store.addStorage({ id: CARD_STORAGE_ID, description: 'SD Card', volumeLabel: 'CARD', capacity: 64 * 2 ** 30, freeSpace: 60 * 2 ** 30 });
  const folders = { internal: addPhotoFolders(store, INTERNAL_STORAGE_ID), card: addPhotoFolders(store, CARD_STORAGE_ID) };
  const photos = options.photos ?? 5;
  const onInternal = Math.ceil(photos / 2);
  for (let n = 1; n <= photos; n++) {
    const where = n <= onInternal ? 'internal' : 'card';
    addPhoto(store, where === 'internal' ? INTERNAL_STORAGE_ID : CARD_STORAGE_ID, folders[where], n, sizes);
  }
  for (const large of options.largeObjects ?? []) {
    const where = large.storage ?? 'internal';
    addLargeObject(store, where === 'internal' ? INTERNAL_STORAGE_ID : CARD_STORAGE_ID, folders[where], large.name, large.size);
  }
  if (options.hostileObjects) addHostileObjects(store, CARD_STORAGE_ID);
  if (options.tangledFolders) addTangledObjects(store, CARD_STORAGE_ID);
}
