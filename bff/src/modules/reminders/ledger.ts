import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import { creditModel, useModel } from './model';

export type SubscribeResult = 'accept' | 'reject' | 'ban' | 'filter';

const isDuplicate = (err: unknown) => (err as { code?: number }).code === 11000;

/** Redis keys of the claim index (the app's Redis client adds its key prefix). */
const BUILT = 'ledger:index-built';
const BUILD_LOCK = 'ledger:index-building';
const availKey = (userId: string, templateId: string) => `ledger:avail:${userId}:${templateId}`;
const claimKey = (deliveryKey: string) => `ledger:claim:${deliveryKey}`;
const CLAIM_TTL_S = 30 * 86_400;
// Pop one candidate credit and remember it as this delivery's claim, atomically (a crash after
// this leaves the claim key, which the retry of the delivery finds and completes).
const POP_AND_CLAIM = `local c = redis.call('SPOP', KEYS[1]) if c then redis.call('SET', KEYS[2], c, 'EX', ARGV[1]) end return c`;

/**
 * The per-user, per-template ledger of one-time subscribe-message opt-ins (see model.ts).
 *
 * MongoDB holds the truth: a credit document per "accept", a use document per credit spent, whose
 * _id IS the credit id, so a credit can never be spent twice (unique insert) and nothing is sent
 * without one. Finding an unspent credit used to take three queries on `userId`/`deliveryKey`,
 * which FerretDB answers by decoding every document of the collection (measured: ~45 ms per query
 * at 20k documents, growing with the fleet) — the reminder workers' bottleneck. With Redis the
 * hot path only does _id lookups and inserts: a Redis set per user and template holds the ids of
 * credits that may be unspent (built once from MongoDB, then kept up to date by `record`), and a
 * key per delivery remembers the credit it claimed. Redis is only an index: a stale entry is
 * rejected by the unique insert, and a lost one (a crash between a MongoDB and a Redis write) can
 * only cost the owner an opt-in, never cause a send without one (nor a second send: the delivery
 * record guards that). Without Redis, or before the index is built,
 * the ledger answers from MongoDB alone, as before.
 */
export class SubscriptionLedger {
  private indexReady = false;

  constructor(
    private readonly conn: Connection,
    private readonly redis: Redis | null = null,
  ) {}

  private get Credits() {
    return creditModel(this.conn);
  }
  private get Uses() {
    return useModel(this.conn);
  }

  /** Record what wx.requestSubscribeMessage returned: each "accept" is one credit. Idempotent by grantId. */
  async record(userId: string, grantId: string, results: Record<string, SubscribeResult>) {
    const now = new Date();
    for (const [templateId, result] of Object.entries(results)) {
      if (result !== 'accept') continue;
      const _id = `${userId}:${templateId}:${grantId}`;
      await this.Credits.create({ _id, userId, templateId, grantedAt: now }).catch((err) => {
        if (!isDuplicate(err)) throw err;
      });
      // After the credit is durable (a repeat may re-add a spent one: the unique use insert rejects it).
      await this.redis?.sadd(availKey(userId, templateId), _id);
    }
  }

  async remaining(userId: string, templateId: string): Promise<number> {
    const [credits, uses] = await Promise.all([this.Credits.countDocuments({ userId, templateId }), this.Uses.countDocuments({ userId, templateId })]);
    return Math.max(0, credits - uses);
  }

  /**
   * Build the Redis claim index from MongoDB once (one read of each collection, by one process;
   * the others keep answering from MongoDB meanwhile). Returns whether the index can be used.
   */
  async ensureIndex(): Promise<boolean> {
    if (!this.redis) return false;
    if (this.indexReady) return true;
    if (await this.redis.exists(BUILT)) return (this.indexReady = true);
    if ((await this.redis.set(BUILD_LOCK, '1', 'EX', 300, 'NX')) !== 'OK') return false;
    try {
      const used = new Set((await this.Uses.find({}, { _id: 1 }).lean<{ _id: string }[]>()).map((u) => u._id));
      const credits = await this.Credits.find({}, { _id: 1, userId: 1, templateId: 1 }).lean<{ _id: string; userId: string; templateId: string }[]>();
      for (let i = 0; i < credits.length; i += 1000) {
        const pipe = this.redis.pipeline();
        for (const c of credits.slice(i, i + 1000)) if (!used.has(c._id)) pipe.sadd(availKey(c.userId, c.templateId), c._id);
        await pipe.exec();
      }
      await this.redis.set(BUILT, new Date().toISOString());
      return (this.indexReady = true);
    } finally {
      await this.redis.del(BUILD_LOCK);
    }
  }

  /**
   * Take one credit for a delivery. Returns the credit id, or null when none is left. A delivery
   * that already holds a credit (a retry) gets the same one back.
   */
  async claim(userId: string, templateId: string, deliveryKey: string): Promise<string | null> {
    if (!(await this.ensureIndex().catch(() => false))) return this.claimFromMongo(userId, templateId, deliveryKey);
    const redis = this.redis!;
    const use = (creditId: string) => this.Uses.create({ _id: creditId, userId, templateId, deliveryKey, reason: 'send', at: new Date() });
    // A retry: the credit this delivery claimed before (spent already, or claimed and not yet spent).
    const held = await redis.get(claimKey(deliveryKey));
    if (held) {
      const spent = await this.Uses.findById(held).lean<{ deliveryKey: string }>();
      if (spent?.deliveryKey === deliveryKey) return held;
      if (!spent) {
        try {
          await use(held);
          return held;
        } catch (err) {
          if (!isDuplicate(err)) throw err;
        }
      }
      await redis.del(claimKey(deliveryKey)); // someone else spent it: claim another
    }
    for (;;) {
      const candidate = (await redis.eval(POP_AND_CLAIM, 2, availKey(userId, templateId), claimKey(deliveryKey), CLAIM_TTL_S)) as string | null;
      if (!candidate) {
        await redis.del(claimKey(deliveryKey));
        return null;
      }
      try {
        await use(candidate);
        return candidate;
      } catch (err) {
        if (!isDuplicate(err)) throw err; // a stale entry: that credit was spent already
        const mine = await this.Uses.findById(candidate).lean<{ deliveryKey: string }>();
        if (mine?.deliveryKey === deliveryKey) return candidate;
      }
    }
  }

  /** The MongoDB-only claim (no Redis, or the index not built yet): oldest credit first. */
  private async claimFromMongo(userId: string, templateId: string, deliveryKey: string): Promise<string | null> {
    const held = await this.Uses.findOne({ deliveryKey }).lean<{ _id: string }>();
    if (held) return held._id;
    const credits = await this.Credits.find({ userId, templateId }).sort({ grantedAt: 1, _id: 1 }).lean<{ _id: string }[]>();
    if (credits.length === 0) return null;
    const used = new Set((await this.Uses.find({ userId, templateId }, { _id: 1 }).lean<{ _id: string }[]>()).map((u) => u._id));
    for (const c of credits) {
      if (used.has(c._id)) continue;
      try {
        await this.Uses.create({ _id: c._id, userId, templateId, deliveryKey, reason: 'send', at: new Date() });
        if (this.redis) await this.redis.multi().srem(availKey(userId, templateId), c._id).set(claimKey(deliveryKey), c._id, 'EX', CLAIM_TTL_S).exec();
        return c._id;
      } catch (err) {
        if (!isDuplicate(err)) throw err;
        // Another delivery took this credit, or this delivery raced itself: look again.
        const mine = await this.Uses.findOne({ deliveryKey }).lean<{ _id: string }>();
        if (mine) return mine._id;
      }
    }
    return null;
  }

  /** Give a delivery's credit back (WeChat did not deliver and did not use the opt-in). */
  async release(deliveryKey: string) {
    const use = await this.Uses.findOne({ deliveryKey, reason: 'send' }).lean<{ _id: string; userId: string; templateId: string }>();
    if (!use) return;
    await this.Uses.deleteOne({ _id: use._id, deliveryKey });
    if (this.redis) {
      await this.redis.sadd(availKey(use.userId, use.templateId), use._id);
      await this.redis.del(claimKey(deliveryKey));
    }
  }

  /** WeChat says the user has no opt-in left (43101): our remaining credits are void. */
  async voidRemaining(userId: string, templateId: string, deliveryKey: string) {
    const credits = await this.Credits.find({ userId, templateId }, { _id: 1 }).lean<{ _id: string }[]>();
    const used = new Set((await this.Uses.find({ userId, templateId }, { _id: 1 }).lean<{ _id: string }[]>()).map((u) => u._id));
    for (const c of credits) {
      if (used.has(c._id)) continue;
      await this.Uses.create({ _id: c._id, userId, templateId, deliveryKey: `${deliveryKey}#void#${c._id}`, reason: 'refused', at: new Date() }).catch((err) => {
        if (!isDuplicate(err)) throw err;
      });
      await this.redis?.srem(availKey(userId, templateId), c._id);
    }
  }
}
