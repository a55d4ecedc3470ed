import { Catalogue } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { events } from '../catalogue/events.ts';
import type { WriteRecord } from '../writes/recorders.ts';
import { eventRecordOf } from './event-record.ts';

const catalogue = new Catalogue(events);

function write(overrides: Partial<WriteRecord>): WriteRecord {
  return {
    context: 'records',
    action: 'create',
    table: 'posts',
    tags: ['posts', 'pbc_1'],
    collection: 'posts',
    keys: ['r1'],
    record: { id: 'r1', title: 'Hello' },
    ...overrides,
  };
}

describe('event records', () => {
  it('names the write and derives the Qelos triple from it', () => {
    const record = eventRecordOf(catalogue, write({}), 'u1', new Date('2026-01-02T03:04:05Z'));
    expect(record).toEqual({
      id: expect.any(String),
      time: '2026-01-02T03:04:05.000Z',
      source: 'records',
      kind: 'posts',
      eventName: 'create',
      name: 'records.create',
      tags: ['posts', 'pbc_1'],
      user: 'u1',
      metadata: { id: 'r1', title: 'Hello' },
    });
  });

  it("takes the catalogue's Qelos alias when the event carries its tags", () => {
    const record = eventRecordOf(
      catalogue,
      write({ tags: ['users', '_pb_users_auth_'], collection: 'users' }),
      null,
    );
    expect([record.source, record.kind, record.eventName]).toEqual(['auth', 'users', 'user-created']);
  });

  it('uses the context as the kind of a write outside a collection', () => {
    const record = eventRecordOf(
      catalogue,
      write({ context: 'settings', action: 'update', table: '_params', tags: [], collection: undefined }),
      null,
    );
    expect([record.name, record.source, record.kind, record.eventName]).toEqual([
      'settings.update',
      'settings',
      'settings',
      'update',
    ]);
  });

  it('leaves out passwords, tokens and secrets, however deep', () => {
    const record = eventRecordOf(
      catalogue,
      write({
        record: { id: 'r1', password: 'x', tokenKey: 'y', smtp: { password: 'z', host: 'h' }, secret: 's' },
      }),
      null,
    );
    expect(record.metadata).toEqual({ id: 'r1', smtp: { host: 'h' } });
  });
});
