export * from './scripted-driver.js';
