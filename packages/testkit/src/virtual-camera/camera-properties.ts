import { DatasetBuilder } from './camera-wire.js';

/** Device property codes the camera offers (PTP 1.1 §13.5). */
export const DEVICE_PROP = { BatteryLevel: 0x5001, DateTime: 0x5011 } as const;

/** A device property of the camera: its type, its current value, how it is described. */
interface DeviceProperty {
  /** PTP datatype code: 0x0002 UINT8, 0xFFFF STR. */
  dataType: 0x0002 | 0xffff;
  value(): number | string;
  factoryDefault: number | string;
  /** A range form (min, max, step) for numbers; none for strings. */
  range?: [number, number, number];
}

/** The camera's device properties: read-only battery level and clock, as every camera lists some. */
export class CameraDeviceProperties {
  private readonly properties = new Map<number, DeviceProperty>([
    [DEVICE_PROP.BatteryLevel, { dataType: 0x0002, value: () => this.batteryLevel, factoryDefault: 100, range: [0, 100, 1] }],
    [DEVICE_PROP.DateTime, { dataType: 0xffff, value: () => this.dateTime, factoryDefault: '' }],
  ]);

  /** Percent, as GetDevicePropValue(BatteryLevel) reports it. */
  batteryLevel = 75;
  /** The camera's clock, a PTP date string. */
  dateTime = '20240501T120000';

  /** Codes for DeviceInfo's DevicePropertiesSupported. */
  get codes(): number[] {
    return [...this.properties.keys()];
  }

  /** The DevicePropDesc dataset (GetDevicePropDesc), or `undefined` for an unknown code. */
  describe(code: number): Uint8Array | undefined {
    const property = this.properties.get(code);
    if (!property) return undefined;
    const out = new DatasetBuilder().u16(code).u16(property.dataType).u8(0); // 0: get only
    this.write(out, property, property.factoryDefault);
    this.write(out, property, property.value());
    if (!property.range) return out.u8(0).bytes();
    const [min, max, step] = property.range;
    return out.u8(1).u8(min).u8(max).u8(step).bytes();
  }

  /** The current value (GetDevicePropValue), or `undefined` for an unknown code. */
  valueOf(code: number): Uint8Array | undefined {
    const property = this.properties.get(code);
    return property && this.write(new DatasetBuilder(), property, property.value()).bytes();
  }

  private write(out: DatasetBuilder, property: DeviceProperty, value: number | string): DatasetBuilder {
    return property.dataType === 0xffff ? out.str(String(value)) : out.u8(Number(value));
  }
}
