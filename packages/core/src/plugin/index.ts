export * from './abortable-mini-driver.js';
export * from './chunk-writer.js';
export * from './item-reader.js';
export * from './progress-throttle.js';
