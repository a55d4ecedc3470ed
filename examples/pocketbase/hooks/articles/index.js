// PocketBase's JS hooks. `vocabulary = 'pocketbase'` makes Sluice call the default export with every
// on… function of its catalogue, and `$app` (services, exceptions, logger, env …).
export const vocabulary = 'pocketbase';

export default ({
  onRecordBeforeCreateRequest,
  onRecordAfterCreateRequest,
  onRecordsListRequest,
  onModelAfterCreate,
  onMailerBeforeRecordResetPasswordSend,
  onRealtimeBeforeMessageSend,
  onAfterBootstrap,
  $app,
}) => {
  const { BadRequestError } = $app.exceptions;

  // fires only for the "articles" collection: validate and complete the new record
  onRecordBeforeCreateRequest((e) => {
    const title = String(e.record.get('title') ?? '').trim();
    if (!title) throw new BadRequestError('An article needs a title.');
    e.record.set('slug', title.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
  }, 'articles');

  onRecordAfterCreateRequest((e) => {
    $app.logger.info({ id: e.record.id, collection: e.collection.name }, 'Article created.');
  }, 'articles');

  // hide drafts from every list of articles
  onRecordsListRequest((e) => {
    e.result.items = e.result.items.filter((record) => record.draft !== true);
  }, 'articles');

  // fires only for "users" and "members"
  onModelAfterCreate(
    (e) => {
      $app.logger.info({ table: e.model.tableName(), id: e.model.id }, 'Model created.');
    },
    'users',
    'members',
  );

  // change the mail subject
  onMailerBeforeRecordResetPasswordSend((e) => {
    e.message.subject = `Reset your password, ${e.record.get('name') ?? e.record.get('email')}`;
  });

  // returning false prevents sending the message
  onRealtimeBeforeMessageSend((e) => {
    if (e.message?.data?.record?.draft === true) return false;
  });

  onAfterBootstrap((e) => {
    $app.logger.info({}, `Bootstrapped ${e.app ? 'the app' : ''}`.trim());
  });
};
