import type { Logger } from 'pino';
import { createRedisCluster } from './redis.ts';
import type { Cluster } from './types.ts';

export { ClusterBroker } from './broker.ts';
export { createLocalCluster, LocalCluster, LocalHub } from './local.ts';
export { createRedisCluster, RedisCluster } from './redis.ts';
export { joinCluster } from './sync.ts';
export type { Cluster, ClusterHandler } from './types.ts';

/** The cluster a Redis URL names, or none: one instance needs nothing shared. */
export async function openCluster(options: {
  url: string | undefined;
  prefix?: string;
  logger: Logger;
}): Promise<Cluster | undefined> {
  if (!options.url) return undefined;
  return createRedisCluster(options.url, { prefix: options.prefix, logger: options.logger });
}
