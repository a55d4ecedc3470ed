/// <reference types="sluice/pb-hooks" />

// PocketBase's JS hooks as PocketBase's documentation writes them: top-level calls, tags after
// the handler, no export and no marker. Loaded from `pb_hooks/` beside the data folder.

// validate and complete new articles (the "articles" collection only)
onRecordBeforeCreateRequest((e) => {
  const { slugify } = require(`${__hooks}/utils.js`);
  const title = String(e.record.get('title') ?? '').trim();
  if (!title)
    throw new BadRequestError('An article needs a title.', {
      title: { code: 'required', message: 'Missing title.' },
    });
  e.record.set('slug', slugify(title));
}, 'articles');

// hide drafts from every list of articles
onRecordsListRequest((e) => {
  e.result.items = e.result.items.filter((record) => record.draft !== true);
}, 'articles');

// returning false stops the chain: drafts are not sent over realtime
onRealtimeBeforeMessageSend((e) => {
  if (e.message?.data?.record?.draft === true) return false;
});

// GET /api/articles/{slug}/summary, through the records of the database
routerAdd('GET', '/api/articles/:slug/summary', (c) => {
  const article = $app.dao().findFirstRecordByData('articles', 'slug', c.pathParam('slug'));
  if (article.get('draft')) throw new NotFoundError('No such article.');
  return c.json(200, {
    title: article.get('title'),
    words: String(article.get('body') ?? '').split(/\s+/).length,
  });
});

// every night at 3: remove the drafts older than 30 days
cronAdd('old-drafts', '0 3 * * *', () => {
  const before = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString().replace('T', ' ');
  const old = $app
    .dao()
    .findRecordsByFilter('articles', 'draft = true && created < {:before}', '', 100, 0, { before });
  for (const article of old) $app.dao().deleteRecord(article);
});
