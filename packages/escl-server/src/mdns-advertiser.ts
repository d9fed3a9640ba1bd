import BonjourModule from 'bonjour-service';
import type { EsclServer } from './escl-http-server.js';
import type { ServedScanner } from './served-scanner.js';

/** The DNS-SD TXT record of a served scanner: the keys eSCL clients read (Mopria eSCL spec, "Bonjour TXT record"). */
export function uscanTxtRecord(scanner: ServedScanner): Record<string, string> {
  const sources = scanner.sources();
  const formats = [...new Set(sources.flatMap((s) => s.formats))];
  const modes = new Set(sources.flatMap((s) => s.colorModes));
  const colorSpaces = [modes.has('RGB24') ? 'color' : '', modes.has('Grayscale8') ? 'grayscale' : '', modes.has('BlackAndWhite1') ? 'binary' : ''].filter(Boolean);
  const inputs = sources.map((s) => (s.source === 'Platen' ? 'platen' : 'adf'));
  return {
    txtvers: '1',
    vers: '2.63',
    ty: scanner.options.identity.makeAndModel,
    rs: scanner.options.basePath.replace(/^\//, ''),
    UUID: scanner.options.identity.uuid,
    pdl: formats.join(','),
    cs: colorSpaces.join(','),
    is: inputs.join(','),
    duplex: sources.some((s) => s.duplex) ? 'T' : 'F',
    // `representation` (an icon URL) and `adminurl` are left out: the server has neither page.
  };
}

/**
 * Advertises every scanner of a server as `_uscan._tcp` (`_uscans._tcp` for
 * TLS) over multicast DNS, with bonjour-service. Errors of the multicast
 * socket (no network, no multicast route) are reported, never thrown.
 */
export class MdnsAdvertiser {
  private constructor(
    private readonly bonjour: InstanceType<typeof BonjourModule.Bonjour>,
    private readonly server: EsclServer,
    private readonly onError: (error: Error) => void,
  ) {}

  static advertise(server: EsclServer, onError: (error: Error) => void): MdnsAdvertiser {
    const advertiser = new MdnsAdvertiser(new BonjourModule.Bonjour({}, (err: Error) => onError(err)), server, onError);
    for (const scanner of server.scanners) advertiser.add(scanner);
    return advertiser;
  }

  /** Advertises one more scanner of the server (a device plugged in while it serves). */
  add(scanner: ServedScanner): void {
    const service = this.bonjour.publish({
      name: scanner.options.identity.makeAndModel.slice(0, 63),
      type: this.server.tls ? 'uscans' : 'uscan',
      protocol: 'tcp',
      port: this.server.address.port,
      txt: uscanTxtRecord(scanner),
    });
    service.on('error', (err: Error) => this.onError(err));
  }

  /** Sends the goodbye packets and closes the multicast socket. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.bonjour.unpublishAll(() => this.bonjour.destroy(() => resolve()));
    });
  }
}
