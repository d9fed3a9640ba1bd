/**
 * @packageDocumentation
 * OpenWIA core: the WIA 2.0 mini-driver contract in TypeScript, the transfer
 * engine that enforces cancellation for every plugin, the plugin base and
 * registry, and the USB transport interface.
 */
import 'reflect-metadata';

export * from './abort/index.js';
export * from './app/index.js';
export * from './hresult/index.js';
export * from './minidriver/index.js';
export * from './plugin/index.js';
export * from './registry/index.js';
export * from './transfer/index.js';
export * from './usb/index.js';
