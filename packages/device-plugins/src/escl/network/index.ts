export * from './escl-http-client.js';
export * from './escl-network-scanner.js';
export * from './tcp-http-client.js';
export * from './escl-discovery.js';
