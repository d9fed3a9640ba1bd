import BonjourModule from 'bonjour-service';
import { ESCL_NETWORK_ID_PREFIX } from './escl-network-scanner.js';

/** A network eSCL scanner found over DNS-SD. */
export interface DiscoveredEsclScanner {
  /** `escl:http://host:port/<rs>`, ready for {@link openEsclNetworkScanner}. */
  deviceId: string;
  /** The service instance name (usually make and model). */
  name: string;
  /** The TXT record (`ty`, `rs`, `UUID`, `pdl`, `cs`, `is`, `duplex`…). */
  txt: Record<string, string>;
}

/** Options of {@link discoverEsclScanners}. */
export interface EsclDiscoveryOptions {
  /** How long to listen for answers (default 2000 ms). */
  durationMs?: number;
  /** Stops listening early. */
  signal?: AbortSignal;
}

function deviceIdOf(host: string, port: number, txt: Record<string, string>, secure: boolean): string {
  const rs = (txt.rs ?? 'eSCL').replace(/^\/+|\/+$/g, '');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `${ESCL_NETWORK_ID_PREFIX}${secure ? 'https' : 'http'}://${hostPart}:${port}/${rs}`;
}

function textRecord(raw: unknown): Record<string, string> {
  const txt: Record<string, string> = {};
  if (raw && typeof raw === 'object') for (const [key, value] of Object.entries(raw)) txt[key] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  return txt;
}

/**
 * Browses DNS-SD (multicast DNS) for `_uscan._tcp` and `_uscans._tcp` eSCL
 * scanners for a bounded time, with bonjour-service. Resolves with each
 * scanner once (by device id), the IPv4 address preferred.
 */
export async function discoverEsclScanners(options: EsclDiscoveryOptions = {}): Promise<DiscoveredEsclScanner[]> {
  const bonjour = new BonjourModule.Bonjour({}, () => undefined);
  const found = new Map<string, DiscoveredEsclScanner>();
  const browsers = (['uscan', 'uscans'] as const).map((type) =>
    bonjour.find({ type, protocol: 'tcp' }, (service) => {
      const txt = textRecord(service.txt);
      const addresses = (service.addresses ?? []) as string[];
      const host = addresses.find((a) => !a.includes(':')) ?? addresses[0] ?? service.host;
      if (!host || !service.port) return;
      const deviceId = deviceIdOf(host, service.port, txt, type === 'uscans');
      found.set(deviceId, { deviceId, name: service.name, txt });
    }),
  );
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.durationMs ?? 2000);
    options.signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
  for (const browser of browsers) browser.stop();
  await new Promise<void>((resolve) => bonjour.destroy(() => resolve()));
  return [...found.values()];
}
