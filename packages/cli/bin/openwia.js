#!/usr/bin/env node
// The `openwia` command as npm links it. This file is committed rather than built: npm links a
// workspace's bins at install time, before `prepare` has compiled dist/, and skips a bin whose
// file does not exist yet — so a built bin would leave `npx openwia` broken on a fresh clone.
// It runs the bundled command (dist/bundle/, made by scripts/bundle-bin.mjs from tsc's output),
// which starts in about half the time the sixty-odd separate modules took.
import { loadBuilt } from './load-built.js';

await loadBuilt('openwia', new URL('../dist/bundle/openwia.js', import.meta.url));
