import type { App } from '../app/types.ts';
import { registerCatalogueRoute } from './catalogue.ts';
import { registerAdminStatic } from './static.ts';
import { registerTestEmailRoute } from './test-email.ts';

/** The admin UI at `/_/` and the few read-only or test endpoints it needs beyond the REST API. */
export function registerAdminRoutes(app: App): void {
  registerAdminStatic(app);
  registerCatalogueRoute(app);
  registerTestEmailRoute(app);
}
