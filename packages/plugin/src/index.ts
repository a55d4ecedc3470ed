export {
  createPlugin,
  type EventRecord,
  type HookHandler,
  type HookRequest,
  type Manifest,
  type Plugin,
  type PluginOptions,
  type Subscription,
} from './plugin.ts';
export { servePlugin } from './server.ts';
export { signedHeaders, signPayload, verifyWebhook, WebhookVerificationError } from './signature.ts';
