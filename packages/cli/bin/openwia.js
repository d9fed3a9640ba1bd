#!/usr/bin/env node
// The `openwia` command as npm links it. This file is committed rather than built: npm links a
// workspace's bins at install time, before `prepare` has compiled dist/, and skips a bin whose
// file does not exist yet — so a built bin would leave `npx openwia` broken on a fresh clone.
import { loadBuilt } from './load-built.js';

await loadBuilt('openwia', new URL('../dist/bin/openwia.js', import.meta.url));
