import { WIA_PRIVATE_ITEMPROP, WIA_PROP_RW, type WiaPropertyStorage } from '@openwia/core';
import type { EsclInputCaps } from './xml/capabilities.js';

/**
 * The eSCL scan intent of a flatbed or feeder item (`ESCL_IPS_INTENT`, a
 * string list of the intents the source advertises: `Document`,
 * `TextAndGraphic`, `Photo`, `Preview`, `Object`, `BusinessCard`…).
 *
 * A driver-private property, the first id WIA leaves to drivers: WIA's own
 * `WIA_IPS_CUR_INTENT` is a set of bits (colour, grayscale, text, best
 * preview…) that names neither `Object` nor `BusinessCard`, so the
 * advertised choices could not be offered exactly through it.
 */
export const ESCL_IPS_INTENT = WIA_PRIVATE_ITEMPROP;

/** The intent a scan asks for when the app chose none: `Document` (what eSCL clients send), else the first listed. */
function defaultIntent(intents: readonly string[]): string {
  return intents.includes('Document') ? 'Document' : intents[0]!;
}

/** Defines {@link ESCL_IPS_INTENT} when the source lists intents; a source that lists none has no such property. */
export function defineIntentProperty(p: WiaPropertyStorage, caps: EsclInputCaps): void {
  if (caps.intents.length === 0) return;
  const value = defaultIntent(caps.intents);
  p.define({ id: ESCL_IPS_INTENT, name: 'ESCL_IPS_INTENT', access: WIA_PROP_RW, value, valid: { kind: 'list', nominal: value, values: caps.intents } });
}

/** The intent chosen on the item, or `undefined` when the source lists none. */
export function intentOf(p: WiaPropertyStorage): string | undefined {
  return p.has(ESCL_IPS_INTENT) ? String(p.value(ESCL_IPS_INTENT)) : undefined;
}
