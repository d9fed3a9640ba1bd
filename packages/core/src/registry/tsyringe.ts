import { createRequire } from 'node:module';
import type * as Tsyringe from 'tsyringe';

// tsyringe (and the reflect-metadata polyfill it insists on) is about a hundred small CommonJS
// files: loading it is a good part of a short command's start-up. Only creating a driver needs
// it, so it is required on first use — synchronously, so that the registry's API stays as it is.
const require = createRequire(import.meta.url);
let loaded: typeof Tsyringe | undefined;

/**
 * tsyringe, loaded on first call with the reflect-metadata polyfill before it (as tsyringe
 * demands). The same module instance a plugin gets from `import { inject } from 'tsyringe'`.
 */
export function tsyringe(): typeof Tsyringe {
  if (!loaded) {
    require('reflect-metadata');
    loaded = require('tsyringe') as typeof Tsyringe;
  }
  return loaded;
}
