import type { AliasSpec } from '@sluice/hooks';
import type { App } from '../app/types.ts';
import { requireSuperuser } from '../http/guards.ts';

const aliasName = (alias: string | AliasSpec) => (typeof alias === 'string' ? alias : alias.name);

/** `GET /api/catalogue`: every event row with its names in each vocabulary, read-only. */
export function registerCatalogueRoute(app: App): void {
  app.http.get('/api/catalogue', (request) => {
    requireSuperuser(request);
    return {
      items: app.catalogue
        .rows()
        .map(({ name, kinds, description, tags, payload, meta, aliases, missingFeature }) => ({
          name,
          kinds,
          description,
          tags: tags ?? null,
          payload: payload ?? null,
          meta: meta ?? null,
          aliases: Object.fromEntries(
            Object.entries(aliases ?? {}).map(([vocabulary, names]) => [vocabulary, names.map(aliasName)]),
          ),
          missingFeature: missingFeature ?? null,
        })),
    };
  });
}
