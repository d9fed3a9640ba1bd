/**
 * `@openwia/device-plugins/escl`: the eSCL scanner plugin — its definition,
 * its driver, network scanners (`escl:http://…` and DNS-SD discovery) and the
 * errors it raises. The XML codec is at `@openwia/device-plugins/escl/codec`.
 */
export { esclPlugin } from './escl-plugin.js';
export { EsclScannerDriver } from './escl-scanner-driver.js';
export { EsclXmlError } from './xml/safe-xml.js';
export { StaleInputError } from './ipp-usb/stale-input.js';
export * from './network/index.js';
