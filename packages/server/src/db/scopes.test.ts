import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createScopes } from './scopes.ts';
import type { Caller } from './types.ts';

/** A database whose transactions are plain objects, numbered in the order they open. */
function fakeDatabase() {
  const opened: object[] = [];
  const db = {
    transaction: () => ({
      execute: async <T>(fn: (trx: Kysely<any>) => Promise<T>) => {
        const trx = { number: opened.length + 1 };
        opened.push(trx);
        return fn(trx as unknown as Kysely<any>);
      },
    }),
  } as unknown as Kysely<any>;
  return { db, opened };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const caller: Caller = { gone: () => false, signal: () => new AbortController().signal };

describe('scopes', () => {
  it('reuses the open transaction for a call made inside it', async () => {
    const scopes = createScopes();
    const { db, opened } = fakeDatabase();
    await scopes.transaction(db, async (outer) => {
      await scopes.transaction(db, async (inner) => {
        expect(inner).toBe(outer);
      });
    });
    expect(opened).toHaveLength(1);
  });

  // Work started inside a transaction may go on after it (the code after an around handler's
  // next()): it inherits the async context of the transaction, which must not hand it the
  // committed transaction.
  it('opens a new transaction for work that outlives the one it started in', async () => {
    const scopes = createScopes();
    const { db, opened } = fakeDatabase();
    const committed = deferred();
    let later: Promise<unknown> | undefined;
    await scopes.transaction(db, async () => {
      later = (async () => {
        await committed.promise;
        return scopes.transaction(db, async (trx) => trx);
      })();
    });
    committed.resolve();
    expect(await later).toBe(opened[1]);
    expect(opened).toHaveLength(2);
  });

  it('does so while another transaction is still open', async () => {
    const scopes = createScopes();
    const { db, opened } = fakeDatabase();
    const committed = deferred();
    const otherDone = deferred();
    let later: Promise<unknown> | undefined;
    const other = scopes.transaction(db, () => otherDone.promise);
    await scopes.transaction(db, async () => {
      later = (async () => {
        await committed.promise;
        return scopes.transaction(db, async (trx) => trx);
      })();
    });
    committed.resolve();
    expect(await later).toBe(opened[2]);
    otherDone.resolve();
    await other;
  });

  it('leaves transactions out of the async context while told to, telling their connection the caller', async () => {
    const scopes = createScopes();
    const { db, opened } = fakeDatabase();
    const seenOpening: (Caller | undefined)[] = [];
    const observed = {
      transaction: () => {
        // Kysely asks the driver for the connection synchronously, as this does
        seenOpening.push(scopes.openingCaller());
        return db.transaction();
      },
    } as unknown as Kysely<any>;
    let nested = true;
    scopes.scopeTransactionsWhen(() => nested);
    await scopes.transaction(observed, () => scopes.transaction(observed, async () => {}), caller);
    expect(opened).toHaveLength(1);
    nested = false;
    await scopes.transaction(
      observed,
      async () => {
        expect(scopes.caller()).toBeUndefined();
        await scopes.transaction(observed, async () => {});
      },
      caller,
    );
    expect(opened).toHaveLength(3);
    expect(seenOpening).toEqual([undefined, caller, undefined]);
    expect(scopes.openingCaller()).toBeUndefined();
  });

  it('forgets the caller once the work bound to it has ended', async () => {
    const scopes = createScopes();
    const ended = deferred();
    let later: Promise<Caller | undefined> | undefined;
    await scopes.withCaller(caller, async () => {
      expect(scopes.caller()).toBe(caller);
      later = (async () => {
        await ended.promise;
        return scopes.caller();
      })();
    });
    ended.resolve();
    expect(await later).toBeUndefined();
  });
});
