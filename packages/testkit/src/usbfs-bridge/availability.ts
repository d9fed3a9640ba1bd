import { spawnSync } from 'node:child_process';

/** The Debian/Ubuntu packages the usbfs bridge needs. */
export const UMOCKDEV_APT_PACKAGES = ['umockdev', 'gir1.2-umockdev-1.0', 'python3-gi'] as const;

/** The Python that has GObject introspection (`python3-gi`); override with `OPENWIA_UMOCKDEV_PYTHON`. */
export function relayPython(): string {
  return process.env['OPENWIA_UMOCKDEV_PYTHON'] ?? '/usr/bin/python3';
}

/** Why the real-USB tests cannot run on this machine, or `undefined` when they can (umockdev-wrapper and UMockdev for Python found). */
export function umockdevMissing(): string | undefined {
  const wrapper = spawnSync('sh', ['-c', 'command -v umockdev-wrapper'], { encoding: 'utf8' });
  if (wrapper.status !== 0) return 'umockdev-wrapper is not installed';
  const probe = "import gi; gi.require_version('UMockdev', '1.0'); from gi.repository import UMockdev";
  const gi = spawnSync(relayPython(), ['-c', probe], { encoding: 'utf8' });
  if (gi.status !== 0) return `${relayPython()} cannot load UMockdev through GObject introspection`;
  return undefined;
}

/** The one line `npm test` prints when it skips the real-USB tests. */
export function umockdevSkipLine(why: string): string {
  return `real-USB tests skipped (${why}): apt-get install -y ${UMOCKDEV_APT_PACKAGES.join(' ')}; "npm run test:usb" fails instead of skipping`;
}
