import type { EndpointConfig } from './endpoints.ts';

/**
 * Types an endpoint extension's export (Directus' `defineEndpoint`); returns it unchanged.
 *
 *     export default defineEndpoint((router, { services }) => { router.get('/', (req, res) => res.send('hi')); });
 */
export function defineEndpoint<Config extends EndpointConfig>(config: Config): Config {
  return config;
}
