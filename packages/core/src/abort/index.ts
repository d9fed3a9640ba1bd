export * from './abort.js';
export * from './remove-item.js';
