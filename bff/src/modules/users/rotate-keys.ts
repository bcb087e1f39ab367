/**
 * Re-encrypts personal data written under older PII keys with PII_ACTIVE_KEY, in batches, while the
 * BFF keeps running (it reads every key still in PII_KEYS and takes the same per-user lock):
 *   pnpm --filter @carmall/bff rotate-keys [--batch 200]
 * Resumable: the query itself ("piiKid is not the active key") is the progress marker, so a stopped
 * run simply continues. Remove an old key from PII_KEYS only after a run reports `remaining: 0`.
 */
import { once } from 'node:events';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../config';
import { PiiCipher, parseKeyring } from '../../infra/crypto';
import { Locks } from '../../infra/lock';
import { createLogger } from '../../infra/logger';
import { connectMongo } from '../../infra/mongo';
import { connectRedis } from '../../infra/redis';
import { userModel } from './model';
import { PII_FIELDS, aadOf, type Pii } from './service';
import { rotateAdvisorPii } from '../advisors/pii-rotation';

export interface RotationResult {
  rotated: number;
  failed: Array<{ id: string; error: string }>;
  remaining: number;
}

export async function rotatePiiKeys(conn: Connection, redis: Redis, cipher: PiiCipher, opts: { batch?: number; onBatch?: (done: number) => void } = {}): Promise<RotationResult> {
  const Users = userModel(conn);
  const locks = new Locks(redis);
  const batch = opts.batch ?? 200;
  const failed: RotationResult['failed'] = [];
  let rotated = 0;
  let afterId: unknown = null;
  for (;;) {
    const filter: Record<string, unknown> = { piiKid: { $exists: true, $ne: cipher.activeKid } };
    if (afterId) filter._id = { $gt: afterId };
    const ids = await Users.find(filter, { _id: 1 }).sort({ _id: 1 }).limit(batch).lean<Array<{ _id: unknown }>>();
    if (ids.length === 0) break;
    for (const { _id } of ids) {
      const id = String(_id);
      try {
        await locks.withLock(`user:${id}`, async () => {
          const u = await Users.findById(_id).lean<{ pii?: Pii; piiKid?: string }>();
          if (!u?.pii || u.piiKid === cipher.activeKid) return; // changed meanwhile: already current
          const enc: Pii = {};
          for (const f of PII_FIELDS) {
            const v = u.pii[f];
            if (v) enc[f] = cipher.encrypt(cipher.decrypt(v, aadOf(id, f)), aadOf(id, f));
          }
          // Conditional on the kid we read, so a concurrent writer is never overwritten.
          const res = await Users.updateOne({ _id, piiKid: u.piiKid }, { $set: { pii: enc, piiKid: cipher.activeKid } });
          if (res.modifiedCount === 1) rotated++;
        });
      } catch (err) {
        failed.push({ id, error: (err as Error).message });
      }
      afterId = _id;
    }
    opts.onBatch?.(rotated);
  }
  const remaining = await Users.countDocuments({ piiKid: { $exists: true, $ne: cipher.activeKid } });
  return { rotated, failed, remaining };
}

// `pnpm --filter @carmall/bff rotate-keys`
if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const logger = createLogger('warn');
  const batchArg = process.argv.indexOf('--batch');
  const batch = batchArg > 0 ? Number(process.argv[batchArg + 1]) : 200;
  const mongo = connectMongo(config.MONGODB_URI, logger);
  const redis = connectRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, logger);
  await mongo.connected;
  if (redis.status !== 'ready') await once(redis, 'ready'); // commands fail fast until then (no offline queue)
  const cipher = new PiiCipher(parseKeyring(config.PII_KEYS, config.PII_ACTIVE_KEY), config.PII_BLIND_INDEX_KEY);
  const result = await rotatePiiKeys(mongo.conn, redis, cipher, { batch, onBatch: (n) => console.log(JSON.stringify({ rotated: n })) });
  // Advisors' leads and test-drive bookings keep contact details under the same keyring.
  const advisors = await rotateAdvisorPii(mongo.conn, new Locks(redis), cipher, { batch });
  console.log(JSON.stringify({ activeKey: cipher.activeKid, ...result, advisors }));
  await mongo.close();
  redis.disconnect();
  process.exit(result.failed.length || advisors.failed.length ? 1 : 0);
}
