export * from './camera-content.js';
export * from './camera-control.js';
export * from './camera-engine.js';
export * from './camera-faults.js';
export * from './camera-responder.js';
export * from './camera-store.js';
export * from './photo-generator.js';
export * from './virtual-camera.js';
