export { createApp } from './app/create.ts';
export type { RecordsService, Services } from './app/services.ts';
export type { App, AppOptions } from './app/types.ts';
export { events, type SluiceEvents } from './catalogue/events.ts';
export type { Collection, Field, RecordData } from './collections/types.ts';
export type { Accountability, CallOptions, HookContext } from './context.ts';
export { defineHook } from './extensions/define.ts';
export { UploadedFile } from './files/uploaded-file.ts';
