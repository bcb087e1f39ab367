import { afterAll, describe, expect, it } from 'vitest';
import { SubscriptionLedger } from '../src/modules/reminders/ledger';
import { startTestApp } from './helpers';

// The opt-in ledger with its Redis claim index, against the real FerretDB + Redis of a test app.
const t = await startTestApp('subscription_ledger', { RUN_WORKERS: 'false' });
afterAll(() => t.close());
const T = 'tmplLedgerTest';

describe('subscription ledger (Redis claim index over MongoDB)', () => {
  it('credits recorded before the index existed are found; 10 concurrent deliveries spend 2 credits exactly once each', async () => {
    // Written straight to MongoDB, as data from before the index (or a lost Redis) would be.
    await t.conn.collection('subscription_credits').insertMany([
      { _id: `u1:${T}:a` as never, userId: 'u1', templateId: T, grantedAt: new Date() },
      { _id: `u1:${T}:b` as never, userId: 'u1', templateId: T, grantedAt: new Date() },
    ]);
    const ledger = new SubscriptionLedger(t.conn, t.redis);
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => ledger.claim('u1', T, `d-${i}`)));
    const won = claims.filter((c): c is string => c !== null);
    expect(won.sort()).toEqual([`u1:${T}:a`, `u1:${T}:b`]);
    expect(await t.conn.collection('subscription_uses').countDocuments({ userId: 'u1' })).toBe(2);
    expect(await ledger.remaining('u1', T)).toBe(0);
    // A retry of a delivery that holds a credit gets the same one; one that got none still gets none.
    const holder = claims.findIndex((c) => c !== null);
    expect(await ledger.claim('u1', T, `d-${holder}`)).toBe(claims[holder]);
    expect(await ledger.claim('u1', T, `d-${claims.findIndex((c) => c === null)}`)).toBeNull();
  });

  it('a stale index entry (a spent credit) is never spent again; record adds new credits at once; release gives one back', async () => {
    const ledger = new SubscriptionLedger(t.conn, t.redis);
    await ledger.record('u2', 'grant-1', { [T]: 'accept' });
    expect(await ledger.claim('u2', T, 'e-1')).toBe(`u2:${T}:grant-1`);
    // The same grant reported again puts the spent credit back in the index: it must not count.
    await ledger.record('u2', 'grant-1', { [T]: 'accept' });
    expect(await ledger.claim('u2', T, 'e-2')).toBeNull();
    await ledger.record('u2', 'grant-2', { [T]: 'accept', other: 'reject' });
    expect(await ledger.claim('u2', T, 'e-2')).toBe(`u2:${T}:grant-2`);
    await ledger.release('e-2'); // WeChat did not deliver: the opt-in is the owner's again
    expect(await ledger.remaining('u2', T)).toBe(1);
    expect(await ledger.claim('u2', T, 'e-3')).toBe(`u2:${T}:grant-2`);
    expect(await ledger.remaining('u2', T)).toBe(0);
  });

  it('without Redis the ledger answers from MongoDB alone, with the same guarantees', async () => {
    const ledger = new SubscriptionLedger(t.conn, null);
    await ledger.record('u3', 'g', { [T]: 'accept' });
    const claims = await Promise.all(Array.from({ length: 5 }, (_, i) => ledger.claim('u3', T, `f-${i}`)));
    expect(claims.filter(Boolean)).toEqual([`u3:${T}:g`]);
  });
});
