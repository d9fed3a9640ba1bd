import { networkInterfaces } from 'node:os';
import { expect } from 'chai';
import type { WiaDevice } from '@openwia/core';
import { discoverEsclScanners } from '@openwia/device-plugins';
import { EsclServer } from '../escl-http-server.js';
import { MdnsAdvertiser } from '../mdns-advertiser.js';
import { openImageFeeder } from '@openwia/testkit';

const multicastCapable = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.family === 'IPv4' && !i.internal));

/** The server's `_uscan._tcp` advertisement, found by the eSCL plugin's DNS-SD discovery. */
(multicastCapable ? describe : describe.skip)(`DNS-SD: _uscan._tcp advertised and discovered${multicastCapable ? '' : ' (skipped: no network interface for multicast DNS)'}`, function () {
  this.timeout(20_000);
  let device: WiaDevice;
  let server: EsclServer;
  let advertiser: MdnsAdvertiser;

  before(async () => {
    ({ device } = await openImageFeeder({}, 'dnssd:feeder'));
    server = await EsclServer.start([{ device, id: 'dnssd:feeder', name: `OpenWIA dns-sd test ${process.pid}` }]);
    advertiser = MdnsAdvertiser.advertise(server, () => undefined);
  });

  after(async () => {
    await advertiser.stop();
    await server.close();
    await device.close();
  });

  it('finds the scanner with the TXT keys eSCL clients read and an escl: device id', async () => {
    const found = (await discoverEsclScanners({ durationMs: 2500 })).find((s) => s.name === `OpenWIA dns-sd test ${process.pid}`);
    expect(found, 'the advertised scanner was not discovered').to.not.equal(undefined);
    expect(found!.deviceId).to.match(new RegExp(`^escl:http://[^/]+:${server.address.port}/dnssd-feeder/eSCL$`));
    expect(found!.txt).to.include({ rs: 'dnssd-feeder/eSCL', pdl: 'image/png', cs: 'color,grayscale', is: 'adf', duplex: 'F', ty: `OpenWIA dns-sd test ${process.pid}` });
    expect(found!.txt.UUID).to.equal(server.scanners[0]!.options.identity.uuid);
  });
});
