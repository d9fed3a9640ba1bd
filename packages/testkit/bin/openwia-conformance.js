#!/usr/bin/env node
// The `openwia-conformance` command as npm links it. Committed rather than built: npm links a
// workspace's bins at install time, before `prepare` has compiled dist/, and skips a bin whose
// file does not exist yet.
import { loadBuilt } from './load-built.js';

await loadBuilt('openwia-conformance', new URL('../dist/conformance/bin/openwia-conformance.js', import.meta.url));
