/**
 * The layer rules of docs/architecture.md (from ../shared/design.md), checked by
 * dependency-cruiser in CI: `npm run check:layers`. Every exception is written here
 * with its reason in `exceptions` below.
 */
const core = 'packages/core/src';
const contract = `^${core}/(hresult|minidriver)/`;
const abortKit = `^${core}/abort/`;
const engine = `^${core}/transfer/`;
const pluginBase = `^${core}/(plugin|registry)/`;
const devices = `^${core}/(usb|devices)/`;
const testCode = '(\\.test\\.ts$|\\.usb-test\\.ts$|/test-support/|/e2e/|-test-support\\.ts$)';

/**
 * Known breaches, each with its reason. Remove an entry when its file is fixed;
 * the check then keeps it fixed.
 */
const exceptions = {
  // None today. A breach that must land before its fix is listed here, by rule,
  // with its reason, e.g. shippedImportsTestkit: ['^packages/cli/src/x\\.ts$'].
  shippedImportsTestkit: [],
  simulationLoadedEagerly: [],
};

/**
 * The CLI's simulation modules (`*simulat*.ts`, and `demo`, which runs on
 * in-memory devices only): the only shipped code that may import the testkit,
 * because nothing imports them but by `import()`, for `--simulate` and `demo`.
 */
const cliSimulation = '^packages/cli/src/([^.]*simulat[^/.]*|commands/demo)\\.ts$';

/** A rule that forbids `from` to import `to`, with the reason a reader sees. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });
/**
 * A layer rule: shipped code of a layer may not import a higher layer. A test
 * beside the code may compose it with higher layers (the registry's tests open
 * a plugin the way the device manager does); cycles stay forbidden for tests too.
 */
const layer = (name, comment, fromPath, to) => forbid(name, comment, { path: fromPath, pathNot: testCode }, to);

module.exports = {
  forbidden: [
    forbid('no-cycles', 'Any cycle between modules makes two parts one; cut it at a contract type.',
      {}, { circular: true }),
    layer('contract-is-the-bottom', 'The contract (hresult, minidriver) is types and constants only: it imports no other part.',
      contract, { path: `^${core}/`, pathNot: contract }),
    layer('abort-toolkit-uses-only-hresult', 'The abort toolkit (abort/) sits on the contract so every part can wait the same way.',
      abortKit, { path: `^${core}/`, pathNot: `^${core}/(hresult|abort)/` }),
    layer('engine-uses-only-the-contract', 'The engine (transfer/) knows cancellation, not USB, plugins or the app API.',
      engine, { path: `^${core}/`, pathNot: `${contract}|${abortKit}|${engine}` }),
    layer('plugin-base-is-below-devices-and-app', 'The plugin base and registry use the engine and the contract only; they describe what a plugin matches with types of their own.',
      pluginBase, { path: `^${core}/(usb|devices|app)/` }),
    layer('devices-use-only-the-contract', 'The transport and hotplug (usb/, devices/) know nothing of plugins, the engine or the app API; composition lives in app/.',
      devices, { path: `^${core}/(transfer|plugin|registry|app)/` }),
    forbid('core-knows-no-plugin', 'Core never imports a plugin, the testkit, the CLI or the eSCL server.',
      { path: `^${core}/` }, { path: '^packages/(device-plugins|testkit|cli|escl-server)/' }),
    forbid('testkit-speaks-protocols-on-its-own', 'The virtual devices implement the wire protocols themselves, so a codec bug cannot hide behind the same bug; the conformance suite receives the plugin it checks.',
      { path: '^packages/testkit/src/', pathNot: testCode }, { path: '^packages/(device-plugins|cli|escl-server)/' }),
    forbid('outside-core-uses-its-public-api', 'Packages outside core import @openwia/core (or its subset @openwia/core/discovery), never its internals.',
      { path: '^(packages/(testkit|device-plugins|cli|escl-server)|examples|bench)/' }, { path: `^${core}/`, pathNot: `^${core}/(index|discovery)\\.ts$` }),
    forbid('shipped-code-imports-no-test-code', 'Core, plugins, the eSCL server and the CLI never import test code or the testkit (the CLI loads it lazily for --simulate only).',
      { path: '^packages/(core|device-plugins|escl-server|cli)/src/', pathNot: [testCode, cliSimulation, ...exceptions.shippedImportsTestkit] },
      { path: `${testCode}|^packages/testkit/`, dependencyTypesNot: ['dynamic-import'] }),
    forbid('cli-simulation-is-loaded-lazily', 'A command that needs simulated devices loads them with import(), so no other command pays for the testkit.',
      { path: '^packages/cli/src/', pathNot: [testCode, cliSimulation, ...exceptions.simulationLoadedEagerly] },
      { path: cliSimulation, dependencyTypesNot: ['dynamic-import', 'type-only'] }),
    forbid('plugins-do-not-know-each-other', 'Each plugin folder stands alone; shared code belongs in core.',
      { path: '^packages/device-plugins/src/([^/]+)/' }, { path: '^packages/device-plugins/src/([^/]+)/', pathNot: '^packages/device-plugins/src/$1/' }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(/dist/|/node_modules/|\\.d\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.layers.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.js'],
    },
    moduleSystems: ['es6'],
  },
};
