// `@directus/extensions-sdk` as extension files see it in Sluice, for editors:
//
//     /// <reference types="sluice/directus-extensions-sdk" />
declare module '@directus/extensions-sdk' {
  export { defineEndpoint, defineHook } from 'sluice/extensions';
}
