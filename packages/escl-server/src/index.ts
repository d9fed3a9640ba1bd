/**
 * @packageDocumentation
 * Serves OpenWIA devices to the network as eSCL (AirScan / Mopria) scanners:
 * capabilities generated from WIA properties, pages streamed with
 * backpressure to the device read, and cancellation (`DELETE`, or the client
 * going away) carried through the WIA cancellation contract. Built on the
 * app API of `@openwia/core` only.
 */
export * from './escl-documents.js';
export * from './escl-http-server.js';
export * from './mdns-advertiser.js';
export * from './served-job.js';
export * from './served-scanner.js';
export * from './source-capabilities.js';
