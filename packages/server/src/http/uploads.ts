import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';

type SaveRequestFiles = (this: FastifyRequest, options?: unknown) => Promise<unknown>;

/**
 * @fastify/multipart without the two hooks it puts on every request — an async `onRequest`
 * that listens for the response's close, and an async `onResponse` — which only delete the
 * temporary files of `request.saveRequestFiles()`. Sluice streams uploads part by part and never
 * saves them so; for a route that does, `saveRequestFiles` itself arranges that clean-up, for
 * its request alone. Every other request is spared two promises, their turns of the microtask
 * queue and a listener. Needs `request.rawResponse` (set by the first `onRequest` hook).
 */
export const uploads: FastifyPluginCallback = (instance, options, done) => {
  const facade: FastifyInstance = Object.create(instance, {
    addHook: {
      value: (name: string, hook: never) =>
        name === 'onRequest' || name === 'onResponse' ? facade : instance.addHook(name as never, hook),
    },
    decorateRequest: {
      value: (name: string, value: unknown, dependencies?: string[]) =>
        instance.decorateRequest(
          name,
          name === 'saveRequestFiles' ? cleanedUpAfterResponse(value as SaveRequestFiles) : value,
          dependencies,
        ),
    },
  });
  multipart(facade, options, done);
};
// registered like the plugin it wraps: on the instance itself, not in a scope of its own
Object.assign(uploads, { [Symbol.for('skip-override')]: true });

/** The temporary files are deleted once the response has ended (sent or abandoned), as the hooks did. */
function cleanedUpAfterResponse(save: SaveRequestFiles): SaveRequestFiles {
  return async function saveRequestFiles(this: FastifyRequest, options?: unknown) {
    const response = this.rawResponse;
    // the first call of a request: later ones answer what it saved
    if (response && this.tmpUploads === null) {
      response.once('close', () => void this.cleanRequestFiles());
      const saved = await save.call(this, options);
      // saved after the response ended: the close has come and gone
      if (response.writableFinished || response.destroyed) await this.cleanRequestFiles();
      return saved;
    }
    return save.call(this, options);
  };
}
