// Sluice's own form: catalogue names, typed handlers, tags and priorities.
import { defineHook } from '../../../../packages/server/src/extensions/define.ts';

export default defineHook(({ filter, action, init, schedule }, { exceptions, events, logger }) => {
  const { InvalidPayloadError } = exceptions;

  filter(
    'records.create',
    (payload) => {
      if (typeof payload.title !== 'string' || payload.title.trim() === '') {
        throw new InvalidPayloadError('An article needs a title.');
      }
      return { ...payload, title: payload.title.trim() };
    },
    { tags: ['articles'] },
  );

  // Nothing internal leaves through a list: drop `internalNotes` from every article listed.
  filter(
    'records.list',
    (result) => ({ ...result, items: result.items.map(({ internalNotes: _notes, ...item }) => item) }),
    { tags: ['articles'] },
  );

  action(
    'records.create',
    (meta, ctx) => {
      events.dispatch(
        {
          user: ctx.accountability?.user ?? null,
          source: 'articles',
          kind: 'records',
          eventName: 'article-created',
          metadata: { collection: meta.collection },
        },
        ctx,
      );
    },
    { tags: ['articles'] },
  );

  init('routes.custom.before', ({ app }) => {
    app.get('/api/articles-extension/ping', async () => ({ ok: true }));
  });

  schedule('0 4 * * sun', () => {
    logger.info({}, 'Sunday, 04:00: time for the weekly digest.');
  });
});
