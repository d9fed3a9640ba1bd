import { CameraDeviceProperties } from './camera-properties.js';
import { bytesContent, type CameraStore, type ObjectContent, type VirtualObject } from './camera-store.js';
import { DatasetBuilder, EV, FMT, OBJECT_PROP, OP, RC, type HostCommand } from './camera-wire.js';

/** What the camera answers to one command: an optional data phase, then a response. */
export interface CameraReply {
  data?: ObjectContent;
  code: number;
  params?: number[];
}

/** Who the camera says it is. */
export interface CameraIdentity {
  manufacturer: string;
  model: string;
  version: string;
  serialNumber: string;
}

/** What the responder needs around it. */
export interface ResponderHost {
  readonly store: CameraStore;
  readonly identity: CameraIdentity;
  /** Whether GetPartialObject is offered (DeviceInfo lists it and the camera answers it). */
  readonly partialObjects: boolean;
  /** Whether deleting on the host's request also raises ObjectRemoved (some cameras do). */
  readonly eventOnHostDelete: boolean;
  /** A recorded DeviceInfo dataset (a real camera's) to answer GetDeviceInfo with, byte for byte, instead of the camera's own. */
  readonly recordedDeviceInfo?: Uint8Array;
  /** Sends an event on the interrupt endpoint. */
  sendEvent(code: number, params: number[]): void;
}

const OPERATIONS = [OP.GetDeviceInfo, OP.OpenSession, OP.CloseSession, OP.GetStorageIDs, OP.GetStorageInfo, OP.GetNumObjects, OP.GetObjectHandles, OP.GetObjectInfo, OP.GetObject, OP.GetThumb, OP.DeleteObject, OP.GetObjectPropValue, OP.GetDevicePropDesc, OP.GetDevicePropValue];
const EVENTS = [EV.CancelTransaction, EV.ObjectAdded, EV.ObjectRemoved, EV.StoreAdded, EV.StoreRemoved];

/** The id that must follow `last` in a session: one more, wrapping from 0xFFFFFFFE to 1. */
function nextTransactionId(last: number): number {
  return last >= 0xfffffffe ? 1 : last + 1;
}

/**
 * The camera's PTP semantics, apart from USB: session state, transaction id
 * rules, and one answer per operation. Strict like a picky device: commands
 * outside a session, reused or skipped transaction ids, unknown handles and storages get
 * the matching error response.
 */
export class CameraResponder {
  sessionId = 0;
  private lastTransactionId = 0;
  /** Commands still to answer DeviceBusy (a fault). */
  busyAnswers = 0;
  /** Battery level and clock, listed in DeviceInfo and answered by GetDevicePropDesc / GetDevicePropValue. */
  readonly deviceProperties = new CameraDeviceProperties();

  constructor(private readonly host: ResponderHost) {}

  get sessionOpen(): boolean {
    return this.sessionId !== 0;
  }

  /** Ends the session (Device Reset, CloseSession). */
  closeSession(): void {
    this.sessionId = 0;
    this.lastTransactionId = 0;
  }

  /** Another initiator ran `count` transactions in the open session. */
  skipTransactionIds(count: number): void {
    if (this.sessionOpen) this.lastTransactionId = (this.lastTransactionId + count) % 0xffffffff;
  }

  respond(command: HostCommand): CameraReply {
    // GetDeviceInfo is the one operation allowed outside a session; inside one it takes its transaction id like any other.
    if (command.code === OP.GetDeviceInfo && !this.sessionOpen) return this.deviceInfo();
    if (command.code === OP.OpenSession) return this.openSession(command);
    if (!this.sessionOpen) return { code: RC.SessionNotOpen };
    // Transaction ids go up by exactly one within a session (PTP 1.1 §9.3.1; 0xFFFFFFFF is never used): a reused or skipped id is refused.
    if (command.transactionId !== nextTransactionId(this.lastTransactionId)) return { code: RC.InvalidTransactionID };
    this.lastTransactionId = command.transactionId;
    if (this.busyAnswers > 0) {
      this.busyAnswers--;
      return { code: RC.DeviceBusy };
    }
    return this.operate(command.code, command.params);
  }

  private operate(code: number, params: number[]): CameraReply {
    const [p1 = 0, p2 = 0, p3 = 0, p4 = 0] = params;
    const { store } = this.host;
    switch (code) {
      case OP.GetDeviceInfo:
        return this.deviceInfo();
      case OP.CloseSession:
        this.closeSession();
        return { code: RC.OK };
      case OP.GetStorageIDs:
        return this.dataset(new DatasetBuilder().u32s([...store.storages.keys()]).bytes());
      case OP.GetStorageInfo: {
        const storage = store.storages.get(p1);
        return storage ? this.dataset(store.storageInfo(storage)) : { code: RC.InvalidStorageID };
      }
      case OP.GetNumObjects:
      case OP.GetObjectHandles: {
        if (p1 !== 0xffffffff && !store.storages.has(p1)) return { code: RC.InvalidStorageID };
        const handles = store.handles(p1, p2, p3);
        return code === OP.GetNumObjects ? { code: RC.OK, params: [handles.length] } : this.dataset(new DatasetBuilder().u32s(handles).bytes());
      }
      case OP.GetObjectInfo:
        return this.withObject(p1, (o) => this.dataset(store.objectInfo(o)), true);
      case OP.GetObject:
        return this.withObject(p1, (o) => ({ data: o.content, code: RC.OK }));
      case OP.GetPartialObject:
        if (!this.host.partialObjects) return { code: RC.OperationNotSupported };
        return this.withObject(p1, (o) => this.partial(o.content, p2, p3));
      case OP.GetPartialObject64:
        if (!this.host.partialObjects) return { code: RC.OperationNotSupported };
        return this.withObject(p1, (o) => this.partial(o.content, p3 * 0x1_0000_0000 + p2, p4));
      case OP.GetDevicePropDesc:
      case OP.GetDevicePropValue: {
        const dataset = code === OP.GetDevicePropDesc ? this.deviceProperties.describe(p1) : this.deviceProperties.valueOf(p1);
        return dataset ? this.dataset(dataset) : { code: RC.DevicePropNotSupported };
      }
      case OP.GetObjectPropValue:
        if (p2 !== OBJECT_PROP.ObjectSize) return { code: RC.InvalidParameter };
        return this.withObject(p1, (o) => this.dataset(new DatasetBuilder().u64(o.content.length).bytes()));
      case OP.GetThumb:
        return this.withObject(p1, (o) => (o.thumbnail ? this.dataset(o.thumbnail.read(0, o.thumbnail.length)) : { code: RC.NoThumbnailPresent }));
      case OP.DeleteObject:
        return this.withObject(p1, (o) => {
          if (o.protection !== 0) return { code: RC.ObjectWriteProtected };
          store.removeObject(o.handle);
          if (this.host.eventOnHostDelete) this.host.sendEvent(EV.ObjectRemoved, [o.handle]);
          return { code: RC.OK };
        });
      default:
        return { code: RC.OperationNotSupported };
    }
  }

  private openSession(command: HostCommand): CameraReply {
    const [sessionId = 0] = command.params;
    if (sessionId === 0) return { code: RC.InvalidParameter };
    if (this.sessionOpen) return { code: RC.SessionAlreadyOpened, params: [this.sessionId] };
    this.sessionId = sessionId;
    this.lastTransactionId = command.transactionId;
    return { code: RC.OK };
  }

  private deviceInfo(): CameraReply {
    if (this.host.recordedDeviceInfo) return this.dataset(this.host.recordedDeviceInfo);
    const { identity, partialObjects } = this.host;
    const operations = partialObjects ? [...OPERATIONS, OP.GetPartialObject, OP.GetPartialObject64] : OPERATIONS;
    const info = new DatasetBuilder()
      .u16(100) // PTP 1.00
      .u32(0)
      .u16(0)
      .str('')
      .u16(0)
      .u16s(operations)
      .u16s(EVENTS)
      .u16s(this.deviceProperties.codes)
      .u16s([FMT.ExifJpeg])
      .u16s([FMT.ExifJpeg, FMT.Jfif, FMT.Undefined, FMT.Association])
      .str(identity.manufacturer)
      .str(identity.model)
      .str(identity.version)
      .str(identity.serialNumber)
      .bytes();
    return this.dataset(info);
  }

  private dataset(bytes: Uint8Array): CameraReply {
    return { data: bytesContent(bytes), code: RC.OK };
  }

  /** Answers about an existing object; folders (associations) only where `foldersToo`. */
  private withObject(handle: number, answer: (o: VirtualObject) => CameraReply, foldersToo = false): CameraReply {
    const object = this.host.store.objects.get(handle);
    if (!object || (object.format === FMT.Association && !foldersToo)) return { code: RC.InvalidObjectHandle };
    return answer(object);
  }

  private partial(content: ObjectContent, offset: number, max: number): CameraReply {
    // An offset past the end is a bad parameter on real devices, not an OK with nothing (a zero-size object reads at 0).
    if (offset > content.length || (offset === content.length && content.length > 0)) return { code: RC.InvalidParameter };
    const length = Math.max(0, Math.min(max, content.length - offset));
    return { data: { length, read: (at, n) => content.read(offset + at, Math.min(n, length - at)) }, code: RC.OK, params: [length] };
  }
}
