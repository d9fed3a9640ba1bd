import type { ConformanceTarget } from '@openwia/testkit';
import { frameGrabberPlugin } from './frame-grabber-driver.js';
import { createVirtualFrameGrabber } from './virtual-frame-grabber.js';

/**
 * What `openwia-conformance examples/dist/frame-grabber/conformance-target.js`
 * loads: the plugin and a fresh virtual device per session, with the bytes
 * each frame should have.
 */
const target: ConformanceTarget = {
  plugin: frameGrabberPlugin,
  item: 'Root\\Frames',
  device: () => {
    const { device, frames } = createVirtualFrameGrabber();
    return { device, contentOf: (fullItemName) => frames[Number(/Frame(\d+)/.exec(fullItemName)?.[1]) - 1] };
  },
};
export default target;
