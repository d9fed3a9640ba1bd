import type { PluginDescriptor } from '@openwia/core/discovery';

// The match table lives here, apart from the code that uses it, so that `@openwia/device-plugins/lazy`
// can match devices without loading the plugin (or the whole of @openwia/core).

/** The IPP-USB interface triple: printer class, printer subclass, IPP-over-USB protocol. */
export const IPP_USB_CLASS = { interfaceClass: 7, interfaceSubclass: 1, interfaceProtocol: 4 } as const;

/** What the eSCL plugin drives: scanners and multifunction printers speaking eSCL over IPP-USB (7/1/4). */
export const ESCL_PLUGIN_DESCRIPTOR: PluginDescriptor = {
  name: 'escl',
  description: 'eSCL scanners over IPP-USB',
  match: [{ ...IPP_USB_CLASS }],
};
