import type { SimulatedUsbDevice } from '../usb/index.js';
import { addFolder, addPhoto, currentPhotoFolder, dcimFolder, isGeneratedPhoto, type PhotoSizes } from './camera-content.js';
import type { CameraEngine, CameraLogEntry, CameraStats } from './camera-engine.js';
import type { CameraFaults } from './camera-faults.js';
import type { CameraResponder } from './camera-responder.js';
import { FMT, EV } from './camera-wire.js';
import type { CameraStore, VirtualObject, VirtualStorage } from './camera-store.js';

/**
 * The camera's side, for tests and demos: look at its contents, make things
 * happen (a photo arrives, a card is pulled) and arm faults. Events go out on
 * the interrupt endpoint like real camera events; `eventsDelivered()` waits
 * until the host has read them.
 */
export class VirtualCameraControl {
  private nextPhoto: number;

  constructor(
    /** The simulated USB device (USB-level faults: `device.faults`, unplug: `device.unplug()`). */
    readonly device: SimulatedUsbDevice,
    private readonly store: CameraStore,
    private readonly responder: CameraResponder,
    private readonly engine: CameraEngine,
    private readonly sizes: PhotoSizes,
  ) {
    this.nextPhoto = this.photos().length + 1;
  }

  /** Protocol-level faults (hold or stall a data phase, stay busy, mutate containers). */
  get faults(): CameraFaults {
    return this.engine.faults;
  }

  /** Every transaction the camera answered, in order. */
  get log(): readonly CameraLogEntry[] {
    return this.engine.log;
  }

  /** Cancel Requests, Device Resets and status polls seen. */
  get stats(): CameraStats {
    return this.engine.stats;
  }

  get sessionOpen(): boolean {
    return this.responder.sessionOpen;
  }

  storages(): VirtualStorage[] {
    return [...this.store.storages.values()];
  }

  /** Every object that is not a folder, in handle order. */
  objects(): VirtualObject[] {
    return [...this.store.objects.values()].filter((o) => o.format !== FMT.Association);
  }

  /** Every folder (association object), in handle order. */
  folders(): VirtualObject[] {
    return [...this.store.objects.values()].filter((o) => o.format === FMT.Association);
  }

  /** The JPEG photos. */
  photos(): VirtualObject[] {
    return this.objects().filter(isGeneratedPhoto);
  }

  /** An object by its file name. */
  object(filename: string): VirtualObject {
    const found = [...this.store.objects.values()].find((o) => o.filename === filename);
    if (!found) throw new Error(`the virtual camera has no object named ${filename}`);
    return found;
  }

  /** An object's full bytes (as GetObject sends them). */
  objectBytes(handle: number): Uint8Array {
    const object = this.byHandle(handle);
    return object.content.read(0, object.content.length).slice();
  }

  /** An object's thumbnail (as GetThumb sends it); `undefined` when it has none. */
  thumbnailBytes(handle: number): Uint8Array | undefined {
    const { thumbnail } = this.byHandle(handle);
    return thumbnail?.read(0, thumbnail.length).slice();
  }

  /** Photos and thumbnails drawn so far: each is drawn the first time a host (or a test) reads it. */
  get picturesDrawn(): number {
    return this.store.picturesDrawn;
  }

  /** The ObjectInfo dataset the camera sends for `handle` (GetObjectInfo's data phase, without the container header). */
  objectInfo(handle: number): Uint8Array {
    return this.store.objectInfo(this.byHandle(handle));
  }

  /** The next `count` commands are answered DeviceBusy. */
  respondBusy(count = 1): void {
    this.responder.busyAnswers = count;
  }

  /**
   * The camera loses the host's session behind its back: `'closed'` as after a
   * firmware restart (later commands answer SessionNotOpen), `'ids-moved-on'`
   * as when another initiator used the session (the host's next transaction
   * id is stale: InvalidTransactionID).
   */
  loseSession(how: 'closed' | 'ids-moved-on'): void {
    if (how === 'closed') this.responder.closeSession();
    else this.responder.skipTransactionIds(1000);
  }

  /**
   * A new photo is taken: stored (on `storageId`, default the internal
   * memory) in the newest folder of its `DCIM`, and announced with ObjectAdded.
   */
  addPhoto(storageId = this.storages()[0]?.id ?? 0x00010001): VirtualObject {
    const photo = addPhoto(this.store, storageId, currentPhotoFolder(this.store, storageId), this.nextPhoto++, this.sizes);
    this.event(EV.ObjectAdded, [photo.handle]);
    return photo;
  }

  /**
   * A new folder appears (a camera starts `101CANON` in `DCIM`): stored in
   * `parent` (default the storage's `DCIM`, 0 = the storage root) and
   * announced with ObjectAdded unless `announce` is false (cameras that
   * announce only the photo that follows). Later photos go into it.
   */
  addFolder(name: string, options: { storageId?: number; parent?: number; announce?: boolean } = {}): VirtualObject {
    const storageId = options.storageId ?? this.storages()[0]?.id ?? 0x00010001;
    const folder = this.store.objects.get(addFolder(this.store, storageId, name, options.parent ?? dcimFolder(this.store, storageId)?.handle ?? 0))!;
    if (options.announce ?? true) this.event(EV.ObjectAdded, [folder.handle]);
    return folder;
  }

  /** An object disappears (deleted on the camera itself): ObjectRemoved. */
  removeObject(handle: number): void {
    if (this.store.removeObject(handle)) this.event(EV.ObjectRemoved, [handle]);
  }

  /** A storage appears (a card is inserted): StoreAdded. */
  addStorage(storage: VirtualStorage): void {
    this.store.addStorage(storage);
    this.event(EV.StoreAdded, [storage.id]);
  }

  /** A storage goes (the card is pulled): StoreRemoved. */
  removeStorage(storageId: number): void {
    this.store.removeStorage(storageId);
    this.event(EV.StoreRemoved, [storageId]);
  }

  /** Sends any event container, well-formed or not. */
  sendRawEvent(bytes: Uint8Array): void {
    void this.engine.sendRawEvent(bytes);
  }

  /** Resolves once the host has read every event sent so far (or the device went away). */
  eventsDelivered(): Promise<void> {
    return this.engine.eventsDelivered();
  }

  /** Resolves once every command received so far has been answered. */
  idle(): Promise<void> {
    return this.engine.idle();
  }

  /** An object by its handle; throws when the camera has none. */
  private byHandle(handle: number): VirtualObject {
    const object = this.store.objects.get(handle);
    if (!object) throw new Error(`the virtual camera has no object ${handle}`);
    return object;
  }

  private event(code: number, params: number[]): void {
    void this.engine.sendEvent(code, params);
  }
}
