export * from './memory-device.js';
export * from './image-feeder.js';
