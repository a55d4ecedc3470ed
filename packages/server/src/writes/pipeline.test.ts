import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../app/testing.ts';
import type { App } from '../app/types.ts';
import { type WriteRecord, WriteRecorders, writesOf } from './recorders.ts';

describe('the write pipeline, against a core on SQLite', () => {
  let app: App;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ app, cleanup } = await bootstrapTestApp());
    await app.services.collections.create(
      { name: 'notes', type: 'base', fields: [{ name: 'title', type: 'text' }] },
      app.context(),
    );
  });

  afterAll(async () => {
    await cleanup?.();
  });

  /** Records every step of the writes made while `fn` runs, in order. */
  async function stepsOf(fn: () => Promise<unknown>): Promise<string[]> {
    const steps: string[] = [];
    const off = [
      ...(
        [
          'records.create',
          'model.create',
          'records.update',
          'model.update',
          'records.delete',
          'model.delete',
        ] as const
      ).flatMap((name) => [
        app.hooks.filter(name, (payload) => {
          steps.push(`filter ${name}`);
          return payload;
        }),
        app.hooks.action(name, () => void steps.push(`action ${name}`)),
      ]),
      app.recorders.add((write) => void steps.push(`recorder ${write.context}.${write.action}`)),
    ];
    try {
      await fn();
      await app.hooks.drain();
    } finally {
      for (const unregister of off) unregister();
    }
    return steps;
  }

  it('runs context filter, model filter, recorders, then the actions after the commit', async () => {
    let id = '';
    expect(
      await stepsOf(async () => {
        id = String((await app.services.records.create('notes', { title: 'a' })).id);
      }),
    ).toEqual([
      'filter records.create',
      'filter model.create',
      'recorder records.create',
      'action model.create',
      'action records.create',
    ]);
    expect(await stepsOf(() => app.services.records.update('notes', id, { title: 'b' }))).toEqual([
      'filter records.update',
      'filter model.update',
      'recorder records.update',
      'action model.update',
      'action records.update',
    ]);
    expect(await stepsOf(() => app.services.records.delete('notes', id))).toEqual([
      'filter records.delete',
      'filter model.delete',
      'recorder records.delete',
      'action model.delete',
      'action records.delete',
    ]);
  });

  it('gives recorders the write inside its transaction: a recorder that throws rolls it back', async () => {
    const seen: WriteRecord[] = [];
    const off = app.recorders.add(async (write, tx) => {
      seen.push(write);
      expect(tx.database.isTransaction).toBe(true);
      const inside = await tx.database
        .selectFrom('notes')
        .select('title')
        .where('title', '=', 'kept?')
        .execute();
      expect(inside).toHaveLength(1);
      throw new Error('the recorder failed');
    });
    try {
      await expect(app.services.records.create('notes', { title: 'kept?' })).rejects.toThrow(
        'the recorder failed',
      );
    } finally {
      off();
    }
    expect(seen).toEqual([
      expect.objectContaining({ context: 'records', action: 'create', table: 'notes', collection: 'notes' }),
    ]);
    expect((await app.services.records.list('notes', { filter: "title = 'kept?'" })).totalItems).toBe(0);
  });

  it('skips a recorder that wants no write, and is inactive when none wants one', async () => {
    const seen: string[] = [];
    let wanted = false;
    const alone = new WriteRecorders();
    alone.add(
      () => {},
      () => wanted,
    );
    const off = app.recorders.add(
      (write) => void seen.push(write.action),
      () => wanted,
    );
    try {
      expect(alone.wants('records', app.context())).toBe(false);
      const { id } = await app.services.records.create('notes', { title: 'unseen' });
      wanted = true;
      expect(alone.wants('records', app.context())).toBe(true);
      await app.services.records.update('notes', String(id), { title: 'seen' });
    } finally {
      off();
    }
    expect(seen).toEqual(['update']);
  });

  it('records collection and settings writes too', async () => {
    const seen: string[] = [];
    const settingsOnly: string[] = [];
    const off = app.recorders.add(
      (write) => void seen.push(`${write.context}.${write.action} ${write.table}`),
    );
    const offSettings = app.recorders.add(
      (write) => void settingsOnly.push(`${write.context}.${write.action}`),
      writesOf('settings'),
    );
    try {
      await app.services.collections.create({ name: 'others', type: 'base', fields: [] }, app.context());
      await app.services.settings.update({ meta: { appName: 'Recorded' } }, app.context());
    } finally {
      off();
      offSettings();
    }
    expect(seen).toEqual(['collections.create _collections', 'settings.update _params']);
    expect(settingsOnly).toEqual(['settings.update']);
  });
});
