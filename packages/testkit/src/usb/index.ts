export * from './faults.js';
export * from './simulated-bus.js';
export * from './simulated-device.js';
export * from './simulated-transport.js';
export * from './speed.js';
export type { ControlHandler, OutHandler } from './device-port.js';
export * from './example-device.js';
export * from './transport-conformance.js';
