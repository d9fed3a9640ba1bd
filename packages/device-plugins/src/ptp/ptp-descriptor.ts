import type { PluginDescriptor } from '@openwia/core/discovery';

// The match table lives here, apart from the code that uses it, so that `@openwia/device-plugins/lazy`
// can match devices without loading the plugin (or the whole of @openwia/core).

/** USB Still Image class: interface class 6, subclass 1, protocol 1 (PTP). */
export const STILL_IMAGE_INTERFACE = { interfaceClass: 6, interfaceSubclass: 1, interfaceProtocol: 1 } as const;

/** What the PTP plugin drives: still-image cameras and phones with a USB still image class interface (6/1/1). */
export const PTP_PLUGIN_DESCRIPTOR: PluginDescriptor = {
  name: 'ptp',
  description: 'PTP still-image cameras and phones (USB class 6/1/1)',
  match: [{ ...STILL_IMAGE_INTERFACE }],
};
