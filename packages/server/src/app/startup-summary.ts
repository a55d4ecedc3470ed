import { join } from 'node:path';
import type { App } from './types.ts';

/** A connection URL without its password, for the logs. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * Start-up says what it loaded, once listening: the database, the cluster, each extension (and
 * each that failed, with its file), each schedule with its next run, and the URL.
 */
export function logStartupSummary(app: App, urls: { database?: string; redis?: string }): void {
  const { logger } = app;
  if (app.database.dialect === 'postgres') {
    const database = withoutPassword(urls.database ?? '');
    logger.info({ dialect: 'postgres', database }, `Database: PostgreSQL at ${database}`);
  } else {
    const database = join(app.options.dir, 'data.db');
    logger.info({ dialect: 'sqlite', database }, `Database: SQLite in ${database}`);
  }
  if (app.cluster && urls.redis) {
    const redis = withoutPassword(urls.redis);
    logger.info({ cluster: redis, instance: app.cluster.id }, `Cluster: Redis at ${redis}`);
  } else {
    logger.info({ cluster: null }, 'Cluster: none (one instance)');
  }
  for (const { owner, path, vocabulary, error } of app.extensions) {
    if (error)
      logger.warn({ extension: owner, path, err: error }, `Extension failed: ${path}: ${error.message}`);
    else logger.info({ extension: owner, path, vocabulary }, `Extension loaded: ${path} (${vocabulary})`);
  }
  if (app.extensions.length === 0) logger.info({ extensions: 0 }, 'Extensions: none');
  const schedules = app.hooks.schedules();
  for (const { owner, expression, nextRun } of schedules) {
    logger.info(
      { extension: owner, expression, nextRun: nextRun?.toISOString() ?? null },
      `Schedule: ${expression} (${owner}), next run ${nextRun?.toISOString() ?? 'not planned'}`,
    );
  }
  if (schedules.length === 0) logger.info({ schedules: 0 }, 'Schedules: none');
  logger.info({ url: app.url, dialect: app.database.dialect }, `Sluice is listening on ${app.url}`);
}
