/**
 * PocketBase ≥ 0.23 renamed its hooks and chains them with `e.next()`. Each new name stands for
 * an older one of the catalogue (seed 004): `around` — the older `Before` hook, run as an around
 * handler (code before `e.next()` where the filter ran, code after it once the operation
 * committed); `action` — the older `After` hook; `init` — a point of the app's life, where
 * `e.next()` resolves at once.
 */
export const POCKETBASE_NEXT: Record<string, { name: string; mode: 'around' | 'action' | 'init' }> = {};

const around = (next: string, name: string) => {
  POCKETBASE_NEXT[next] = { name, mode: 'around' };
};
const action = (next: string, name: string) => {
  POCKETBASE_NEXT[next] = { name, mode: 'action' };
};

for (const write of ['Create', 'Update', 'Delete']) {
  around(`onRecord${write}Request`, `onRecordBefore${write}Request`);
  around(`onRecord${write}`, `onRecordBefore${write}Request`);
  action(`onRecordAfter${write}Success`, `onRecordAfter${write}Request`);
  around(`onModel${write}`, `onModelBefore${write}`);
  action(`onModelAfter${write}Success`, `onModelAfter${write}`);
  around(`onCollection${write}Request`, `onCollectionBefore${write}Request`);
}
for (const flow of [
  'AuthWithPassword',
  'AuthRefresh',
  'AuthWithOAuth2',
  'RequestPasswordReset',
  'ConfirmPasswordReset',
  'RequestVerification',
  'ConfirmVerification',
  'RequestEmailChange',
  'ConfirmEmailChange',
]) {
  around(`onRecord${flow}Request`, `onRecordBefore${flow}Request`);
}
around('onMailerRecordPasswordResetSend', 'onMailerBeforeRecordResetPasswordSend');
around('onMailerRecordVerificationSend', 'onMailerBeforeRecordVerificationSend');
around('onMailerRecordEmailChangeSend', 'onMailerBeforeRecordChangeEmailSend');
around('onRealtimeSubscribeRequest', 'onRealtimeBeforeSubscribeRequest');
around('onRealtimeMessageSend', 'onRealtimeBeforeMessageSend');
around('onFileTokenRequest', 'onFileBeforeTokenRequest');
around('onCollectionsImportRequest', 'onCollectionsBeforeImportRequest');
around('onSettingsUpdateRequest', 'onSettingsBeforeUpdateRequest');
around('onRecordValidate', 'onRecordValidate');
around('onRecordEnrich', 'onRecordEnrich');
around('onBatchRequest', 'onBatchRequest');
for (const write of ['Create', 'Update', 'Delete']) {
  action(`onRecordAfter${write}Error`, `onRecordAfter${write}Error`);
}
POCKETBASE_NEXT.onBootstrap = { name: 'onAfterBootstrap', mode: 'init' };
