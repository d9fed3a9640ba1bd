import { expect } from 'chai';
import { WIA_ERROR_DEVICE_COMMUNICATION, WIA_IPA_FORMAT, WIA_IPS_XRES, WIA_TRANSFER_ACQUIRE_CHILDREN, WiaError, WiaImgFmt_PNG, type TransferReport, type WiaDevice } from '@openwia/core';
import { openEsclNetworkScanner } from '@openwia/device-plugins';
import { checkContract, ImageFeederDriver, openImageFeeder, RecordingTransferCallback, type RecordingCallbackScript } from '@openwia/testkit';
import { EsclServer } from '../escl-http-server.js';
import { until } from '../escl-test-client-test-support.js';

/**
 * The whole chain: the project's own eSCL plugin, over TCP, acquiring from
 * the eSCL server in front of a non-eSCL device (the in-memory feeder). The
 * app's record is checked against the cancellation contract.
 */
describe('the eSCL plugin over TCP against the eSCL server (escl:http://… device id)', function () {
  this.timeout(30_000);
  let served: WiaDevice;
  let driver: ImageFeederDriver;
  let server: EsclServer;
  let network: WiaDevice;
  let hold: { item: string; blocked: boolean; failing: string };
  const cancelIo = { served: 0, network: 0 };

  beforeEach(async () => {
    hold = { item: '', blocked: false, failing: '' };
    ({ device: served, driver } = await openImageFeeder({
      chunkSize: 8192,
      readDelay: (item, offset, signal) => {
        if (item === hold.failing) return Promise.reject(new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, 'the scanner stopped answering'));
        if (item !== hold.item || offset === 0) return Promise.resolve();
        hold.blocked = true;
        return new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      },
    }));
    server = await EsclServer.start([{ device: served, id: 'test:feeder' }]);
    network = await openEsclNetworkScanner(`escl:${server.urlOf(server.scanners[0]!)}`);
    cancelIo.served = 0;
    cancelIo.network = 0;
    served.on('cancelIo', () => cancelIo.served++);
    network.on('cancelIo', () => cancelIo.network++);
  });

  afterEach(async () => {
    await network.close();
    await server.close();
    await served.close();
  });

  async function download(script: RecordingCallbackScript, cancelWhen?: (app: RecordingTransferCallback) => boolean): Promise<{ report: TransferReport; app: RecordingTransferCallback }> {
    const transfer = network.createTransfer('Root\\Feeder');
    const app: RecordingTransferCallback = new RecordingTransferCallback({
      ...script,
      onChunk: () => {
        if (cancelWhen?.(app) && app.cancelSeq === undefined) {
          app.markCancel();
          transfer.Cancel();
        }
      },
    });
    const report = await transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    return { report, app };
  }

  const contentOf = (fullItemName: string): Buffer => Buffer.from(driver.contentOf(fullItemName.split('\\').pop()!));

  it('builds the item tree and properties from the served ScannerCapabilities', () => {
    const feeder = network.item('Root\\Feeder');
    expect(feeder.properties.value(WIA_IPS_XRES)).to.equal(100);
    expect(feeder.properties.value(WIA_IPA_FORMAT)).to.equal(WiaImgFmt_PNG);
    expect(() => network.item('Root\\Flatbed')).to.throw();
  });

  it('acquires every page byte for byte, and skips one page with the contract kept', async () => {
    const whole = await network.acquire('Root\\Feeder');
    expect(whole.outcome).to.equal('completed');
    expect(whole.items.map((i) => Buffer.compare(i.data!, contentOf(i.fullItemName)))).to.deep.equal([0, 0, 0]);

    const { report, app } = await download({ stream: (_name, index) => (index === 1 ? 'skip' : 'stream') });
    expect(report.items.map((i) => i.status)).to.deep.equal(['transferred', 'skipped', 'transferred']);
    expect(checkContract({ report, app, latchSeq: undefined, latchReason: undefined, contentOf })).to.deep.equal([]);
    expect(cancelIo).to.deep.equal({ served: 0, network: 0 });
  });

  it('a cancel mid-page reaches the served driver: CANCEL_IO on both sides once, both idle, the next acquire works', async () => {
    hold.item = 'Page2';
    // The first bytes of page 2 arrived while the served driver's next read of it is held: the cancel is mid-page.
    const { report, app } = await download({}, (recording) => recording.sinks.has('Root\\Feeder\\Page2'));
    expect(report.outcome).to.equal('cancelled');
    expect(checkContract({ report, app, latchSeq: app.cancelSeq, latchReason: 'cancel', contentOf })).to.deep.equal([]);
    await until(() => !served.busy && server.scanners[0]!.activeJob === undefined);
    expect(cancelIo).to.deep.equal({ served: 1, network: 1 });
    expect((await (await fetch(`${server.urlOf(server.scanners[0]!)}/ScannerStatus`)).text())).to.contain('<pwg:JobState>Canceled</pwg:JobState>');

    hold.item = '';
    const next = await network.acquire('Root\\Feeder');
    expect(next.outcome).to.equal('completed');
    expect(next.items).to.have.length(3);
  });

  it('the served device failing mid-feed fails the acquire with its reason — not a feed that ended early', async () => {
    hold.failing = 'Page2';
    const report = await network.acquire('Root\\Feeder');
    expect(report.outcome).to.equal('failed');
    expect(report.error?.hresult).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
    expect(report.error?.message).to.match(/NextDocument answered 500: the scan job failed after 1 page\(s\): .*the scanner stopped answering/);
    expect(report.items.filter((i) => i.status === 'transferred').map((i) => i.itemName)).to.deep.equal(['Page1']);
  });
});
