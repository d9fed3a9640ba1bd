export * from './descriptors.js';
export * from './errors.js';
export * from './transport.js';
