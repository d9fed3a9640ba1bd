export * from './events.js';
export * from './app-interfaces.js';
export * from './interfaces.js';
export * from './items.js';
export * from './messages.js';
export * from './properties.js';
export * from './property-ids.js';
