/// <reference types="sluice/pb-hooks" />

// PocketBase ≥ 0.23's names: one hook around the operation, `e.next()` in the middle.
onRecordCreateRequest(async (e) => {
  // before e.next(): as a filter, inside the write's transaction
  const text = String(e.record.get('text') ?? '').trim();
  if (text.length > 500) throw new BadRequestError('A comment has at most 500 characters.');
  e.record.set('text', text);
  await e.next();
  // after e.next(): the committed comment, with its id
  console.log(`comment ${e.record.id} created`);
}, 'comments');

onRecordAfterCreateSuccess((e) => {
  $app.logger.info({ id: e.record.id }, 'Comment stored.');
  e.next();
}, 'comments');
