export { defineHook, type HookConfig, type HookRegister } from './define.ts';
export { defineEndpoint } from './define-endpoint.ts';
export type { EndpointConfig, EndpointRouter } from './endpoints.ts';
export type {
  ExtensionContext,
  HandlerContext,
  PluginEvent,
  PluginEventInput,
  VocabularyName,
} from './types.ts';
