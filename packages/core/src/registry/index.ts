export {
  defineLazyPlugin,
  definePlugin,
  type AnyPluginDefinition,
  type LazyPluginDefinition,
  type PluginClass,
  type PluginDefinition,
  type PluginDescriptor,
  type RegisteredPlugin,
  type UsbMatch,
} from './plugin-definition.js';
export * from './plugin-registry.js';
