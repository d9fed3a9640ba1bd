// Fuzz target: malformed PTP containers. The PTP plugin (issue 5) is not on
// main yet; until it is, the target reports why it was skipped. Once it lands,
// feed its container codec / driver malformed containers (lying lengths,
// wrong types and transaction ids, truncated datasets, 0xFFFFFFFF lengths)
// from the virtual camera here, with the same guard as the other targets.

/** @returns {Promise<{ target: string, skipped: string }>} */
export async function fuzzPtpContainers() {
  const plugins = await import('@openwia/device-plugins');
  const ptp = Object.keys(plugins).filter((name) => /^Ptp/.test(name));
  if (ptp.length === 0) return { target: 'ptp-containers', skipped: 'the PTP plugin (issue 5) is not on main yet' };
  return { target: 'ptp-containers', skipped: `PTP exports found (${ptp.join(', ')}) but this target is not wired to them yet` };
}
