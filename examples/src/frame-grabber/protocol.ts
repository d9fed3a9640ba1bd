/**
 * The wire protocol of the (imaginary) Acme frame grabber, vendor 0x1d6b
 * product 0x4141: one vendor interface, bulk OUT 0x02 for commands, bulk IN
 * 0x81 for answers. Commands are one byte, then arguments:
 * - `0x01` LIST → `u8 count`, then per frame `u32 size` (little-endian);
 * - `0x02 n` SEND frame n → the frame's bytes, as one USB transfer;
 * - `0x03` ABORT → the grabber drops what it still had to send.
 */
export const FRAME_GRABBER = {
  vendorId: 0x1d6b,
  productId: 0x4141,
  commandOut: 0x02,
  dataIn: 0x81,
  LIST: 0x01,
  SEND: 0x02,
  ABORT: 0x03,
} as const;
