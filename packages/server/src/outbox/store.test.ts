import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../db/migrations.ts';
import { dialects, openTestDatabase } from '../db/testing.ts';
import type { Database } from '../db/types.ts';
import { WEBHOOKS } from '../webhooks/store.ts';
import { claimDue, dueDeliveries, OUTBOX, OUTCOMES_SQL, saveOutcomes } from './store.ts';

const LEASE = '2999-01-01 00:00:00.000Z';
const NOW = '2026-06-01 00:00:00.000Z';

describe.each(dialects)('claiming due deliveries (%s)', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase(dialect));
    await migrate(database);
    const webhook = (id: string, enabled: number) => ({
      id,
      url: 'http://127.0.0.1:9/hook',
      events: '[]',
      tags: '[]',
      secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0',
      enabled,
    });
    await database.db
      .insertInto(WEBHOOKS)
      .values([webhook('on', 1), webhook('off', 0)])
      .execute();
    const delivery = (id: string, hook: string, status: string, nextAttemptAt: string) => ({
      id,
      webhook: hook,
      eventId: `event-${id}`,
      name: 'records.create',
      payload: '{}',
      status,
      nextAttemptAt,
    });
    await database.db
      .insertInto(OUTBOX)
      .values([
        delivery('later', 'on', 'pending', '2026-05-03 00:00:00.000Z'),
        delivery('first', 'on', 'retrying', '2026-05-01 00:00:00.000Z'),
        delivery('second', 'on', 'pending', '2026-05-02 00:00:00.000Z'),
        delivery('future', 'on', 'pending', '2026-07-01 00:00:00.000Z'),
        delivery('sent', 'on', 'delivered', '2026-04-01 00:00:00.000Z'),
        delivery('disabled', 'off', 'pending', '2026-04-01 00:00:00.000Z'),
      ])
      .execute();
  });
  afterAll(() => cleanup());

  it('takes the due deliveries of enabled webhooks, oldest first, up to the limit', async () => {
    const claimed = await claimDue(database, NOW, LEASE, 2);
    expect(claimed.map((delivery) => delivery.id)).toEqual(['first', 'second']);
  });

  it.runIf(dialect === 'sqlite')('walks the due index instead of sorting every unsent row', async () => {
    const query = dueDeliveries(database.db, NOW, 100).compile();
    const plan = await database.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]),
    );
    const details = plan.rows.map((row) => row.detail).join(' | ');
    expect(details).toContain('_outbox_due');
    expect(details).not.toContain('TEMP B-TREE');
  });

  it('saves a batch of outcomes, each to its own delivery, and no other', async () => {
    const attempt = { time: NOW, status: 204, durationMs: 3, response: '' };
    await saveOutcomes(database, [
      { id: 'first', status: 'delivered', attempts: [attempt], nextAttemptAt: '' },
      {
        id: 'second',
        status: 'retrying',
        attempts: [{ ...attempt, status: 500, response: 'it\'s "down"' }],
        nextAttemptAt: LEASE,
      },
    ]);
    const rows = await database.db
      .selectFrom(OUTBOX)
      .select(['id', 'status', 'attempts', 'nextAttemptAt'])
      .where('id', 'in', ['first', 'second', 'later'])
      .orderBy('id')
      .execute();
    expect(rows.map((row) => ({ ...row, attempts: JSON.parse(String(row.attempts)) }))).toEqual([
      { id: 'first', status: 'delivered', attempts: [attempt], nextAttemptAt: '' },
      { id: 'later', status: 'pending', attempts: [], nextAttemptAt: '2026-05-03 00:00:00.000Z' },
      {
        id: 'second',
        status: 'retrying',
        attempts: [{ ...attempt, status: 500, response: 'it\'s "down"' }],
        nextAttemptAt: LEASE,
      },
    ]);
  });

  it.runIf(dialect === 'sqlite')("finds each outcome's delivery by its key, not by a scan", async () => {
    const plan = await database.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`EXPLAIN QUERY PLAN ${OUTCOMES_SQL.sqlite}`, [NOW, '[]']),
    );
    const details = plan.rows.map((row) => row.detail).join(' | ');
    expect(details).toMatch(/SEARCH _outbox USING PRIMARY KEY/);
    expect(details).not.toMatch(/SCAN _outbox/);
  });
});
