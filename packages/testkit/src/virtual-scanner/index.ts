export * from './device-connection.js';
export * from './escl-server.js';
export * from './page-renderer.js';
export * from './scan-image-info.js';
export * from './scanner-state.js';
export * from './scanner-xml.js';
export * from './virtual-scanner.js';
