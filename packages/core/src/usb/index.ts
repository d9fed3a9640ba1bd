export * from './abort.js';
export * from './backend.js';
export * from './descriptors.js';
export * from './errors.js';
export * from './transport.js';
