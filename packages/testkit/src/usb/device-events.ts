/** Events of a `SimulatedUsbDevice`, seen from the device side. */
export interface SimulatedUsbDeviceEvents {
  open: () => void;
  close: () => void;
  /** The host reset the device; queues were flushed. */
  reset: () => void;
  /** The host cleared a halt on this endpoint. */
  clearHalt: (endpointAddress: number) => void;
  claimInterface: (interfaceNumber: number) => void;
  releaseInterface: (interfaceNumber: number) => void;
  /** The device side entered a named phase (`SimulatedUsbDevice.markPhase`). */
  phase: (name: string) => void;
  /** The device left the bus. */
  unplug: () => void;
  /** The device (re-)joined a bus. */
  plug: () => void;
}
