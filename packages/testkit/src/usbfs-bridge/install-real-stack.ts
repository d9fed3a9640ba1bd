/**
 * Mocha `--require` module of `npm run test:usb`: every simulated device's
 * `createTransport()` goes through the real USB stack (node-usb → libusb →
 * usbfs, emulated by umockdev) for the whole run, so the transport
 * conformance suite, the plugin conformance suites and the plugins'
 * end-to-end tests run there unchanged.
 */
import { installEmulatedUsbTransports } from './emulated-transport.js';

installEmulatedUsbTransports();
