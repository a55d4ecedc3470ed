// Kuzzle's pipes and hooks, as its event-system documentation writes them.
import type {
  KuzzleApp,
  KuzzleDocument,
  KuzzleRequest,
} from '../../../../packages/server/src/extensions/vocabularies/kuzzle.ts';

export const vocabulary = 'kuzzle';

export default (app: KuzzleApp) => {
  // Changing the result of the server:now API action (GET /api/now)
  app.pipe.register('server:afterNow', async (request: KuzzleRequest) => {
    (request.result as { now: string | number }).now = new Date().toUTCString();

    return request;
  });

  // Limit reading access to documents to their creator (the record's `creator` field)
  app.pipe.register(
    'generic:document:beforeGet',
    async (documents: KuzzleDocument[], request?: KuzzleRequest) => {
      for (const document of documents) {
        if (request?.context.user._id !== document._source?._kuzzle_info.creator) {
          throw new app.kerror.ForbiddenError('Unauthorized access');
        }
      }

      return documents;
    },
  );

  app.hook.register('security:afterCreateRestrictedUser', async (request: KuzzleRequest) => {
    app.log.info(`New user registered: ${JSON.stringify(request.context.user)}`);
  });

  app.hook.register('hook:onError', async (pluginName: string, event: string, error: Error) => {
    app.log.error(`Error occured on event "${event}" of ${pluginName}: ${error}`);
  });
};
