export { defineHook, type HookConfig, type HookRegister } from './define.ts';
export type {
  ExtensionContext,
  HandlerContext,
  PluginEvent,
  PluginEventInput,
  VocabularyName,
} from './types.ts';
