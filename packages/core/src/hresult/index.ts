export * from './hresult.js';
export * from './wia-error.js';
