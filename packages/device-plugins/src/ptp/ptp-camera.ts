import type { UsbTransport } from '@openwia/core';
import { MtpObjectProperty, PtpOperation } from './ptp-codes.js';
import { PtpDataReader } from './ptp-data-reader.js';
import { parseDeviceInfo, parseObjectInfo, parseStorageInfo, parseU32ArrayDataset, type PtpDeviceInfo, type PtpObjectInfo, type PtpStorageInfo } from './ptp-datasets.js';
import type { PtpDataInStream } from './ptp-data-in.js';
import type { PtpEndpoints } from './ptp-endpoints.js';
import { PtpSession, type PtpSessionOptions } from './ptp-session.js';

/** ObjectCompressedSize of an object of 4 GiB or more. */
const PTP_SIZE_UNKNOWN = 0xffffffff;

/** Upper bounds on what the plugin holds in memory from one answer; larger claims are refused unread. */
export interface PtpLimits {
  /** DeviceInfo, StorageInfo, ObjectInfo datasets (default 64 KiB). */
  maxDatasetBytes: number;
  /** Handle and storage id lists (default 4 MiB: a million handles). */
  maxListBytes: number;
  /** A thumbnail (default 2 MiB). */
  maxThumbnailBytes: number;
}

export const DEFAULT_PTP_LIMITS: PtpLimits = {
  maxDatasetBytes: 64 * 1024,
  maxListBytes: 4 * 1024 * 1024,
  maxThumbnailBytes: 2 * 1024 * 1024,
};

/** Options of a {@link PtpCamera}. */
export interface PtpCameraOptions extends PtpSessionOptions {
  limits?: Partial<PtpLimits>;
}

/**
 * The PTP operations this plugin uses, typed: each one is a transaction of
 * the {@link PtpSession}, with its dataset parsed and bounded. Every method
 * takes the signal its USB transfers honour.
 */
export class PtpCamera {
  readonly session: PtpSession;
  readonly limits: PtpLimits;
  private info: PtpDeviceInfo | undefined;

  constructor(usb: UsbTransport, endpoints: PtpEndpoints, options: PtpCameraOptions = {}) {
    this.session = new PtpSession(usb, endpoints, options);
    this.limits = { ...DEFAULT_PTP_LIMITS, ...options.limits };
  }

  /** The DeviceInfo read by {@link getDeviceInfo}, if it was. */
  get deviceInfo(): PtpDeviceInfo | undefined {
    return this.info;
  }

  /** `true` when the device lists `operation` in its DeviceInfo. */
  supports(operation: number): boolean {
    return this.info?.operationsSupported.includes(operation) ?? false;
  }

  async getDeviceInfo(signal: AbortSignal): Promise<PtpDeviceInfo> {
    this.info = await this.session.operationWithData(PtpOperation.GetDeviceInfo, [], this.limits.maxDatasetBytes, signal, parseDeviceInfo);
    return this.info;
  }

  getStorageIds(signal: AbortSignal): Promise<number[]> {
    return this.session.operationWithData(PtpOperation.GetStorageIDs, [], this.limits.maxListBytes, signal, (data) => parseU32ArrayDataset(data, 'StorageIDs'));
  }

  getStorageInfo(storageId: number, signal: AbortSignal): Promise<PtpStorageInfo> {
    return this.session.operationWithData(PtpOperation.GetStorageInfo, [storageId], this.limits.maxDatasetBytes, signal, parseStorageInfo);
  }

  /** Every object of a storage (all formats, whole hierarchy). */
  getObjectHandles(storageId: number, signal: AbortSignal): Promise<number[]> {
    const parse = (data: Uint8Array): number[] => parseU32ArrayDataset(data, 'ObjectHandles');
    return this.session.operationWithData(PtpOperation.GetObjectHandles, [storageId, 0, 0], this.limits.maxListBytes, signal, parse);
  }

  /**
   * ObjectInfo. Its size field is a UINT32: an object of 4 GiB or more says
   * 0xFFFFFFFF, and its real size comes from the MTP ObjectSize property
   * (0xDC04, a UINT64) where the device offers GetObjectPropValue.
   */
  async getObjectInfo(handle: number, signal: AbortSignal): Promise<PtpObjectInfo> {
    const info = await this.session.operationWithData(PtpOperation.GetObjectInfo, [handle], this.limits.maxDatasetBytes, signal, parseObjectInfo);
    if (info.compressedSize !== PTP_SIZE_UNKNOWN || info.compressedSize64 || !this.supports(PtpOperation.GetObjectPropValue)) return info;
    return { ...info, compressedSize: await this.getObjectSize(handle, signal) };
  }

  /** The MTP ObjectSize property (UINT64; a device may send it as UINT32). */
  getObjectSize(handle: number, signal: AbortSignal): Promise<number> {
    return this.session.operationWithData(PtpOperation.GetObjectPropValue, [handle, MtpObjectProperty.ObjectSize], 8, signal, (data) => {
      const r = new PtpDataReader(data, 'ObjectSize');
      return data.length >= 8 ? r.u64('ObjectSize') : r.u32('ObjectSize');
    });
  }

  getThumb(handle: number, signal: AbortSignal): Promise<Uint8Array> {
    return this.session.operationWithData(PtpOperation.GetThumb, [handle], this.limits.maxThumbnailBytes, signal, (data) => data);
  }

  async deleteObject(handle: number, signal: AbortSignal): Promise<void> {
    await this.session.operation(PtpOperation.DeleteObject, [handle, 0], signal);
  }

  /** GetObject: the whole object as one streamed data phase. */
  openObject(handle: number, signal: AbortSignal): Promise<PtpDataInStream> {
    return this.session.openDataIn(PtpOperation.GetObject, [handle], signal);
  }

  /** GetPartialObject: `maxBytes` from `offset`, as one streamed data phase; past 4 GiB GetPartialObject64 (0x95C1). */
  openPartialObject(handle: number, offset: number, maxBytes: number, signal: AbortSignal): Promise<PtpDataInStream> {
    if (offset + maxBytes > PTP_SIZE_UNKNOWN && this.supports(PtpOperation.GetPartialObject64)) {
      const high = Math.floor(offset / 0x1_0000_0000);
      return this.session.openDataIn(PtpOperation.GetPartialObject64, [handle, offset - high * 0x1_0000_0000, high, maxBytes], signal);
    }
    return this.session.openDataIn(PtpOperation.GetPartialObject, [handle, offset, maxBytes], signal);
  }
}
