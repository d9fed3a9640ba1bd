export * from './recording-callback.js';
export * from './recording-sink.js';
