export * from './cancel-latch.js';
export * from './driver-callback.js';
export * from './driver-guard.js';
export * from './item-stream.js';
export * from './report.js';
export * from './timers.js';
export * from './transfer-run.js';
export * from './upload-source.js';
