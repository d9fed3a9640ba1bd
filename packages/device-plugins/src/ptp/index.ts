/**
 * `@openwia/device-plugins/ptp`: the PTP camera plugin — its definition, its
 * driver, the options it takes by injection, and the errors it raises. The
 * protocol codec is at `@openwia/device-plugins/ptp/codec`.
 */
export { ptpPlugin } from './ptp-plugin.js';
export { PtpCameraDriver, PTP_DRIVER_OPTIONS, type PtpDriverOptions } from './ptp-camera-driver.js';
export * from './ptp-errors.js';
