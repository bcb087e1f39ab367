import type { Connection, Model } from 'mongoose';
import { PiiCipher } from '../../infra/crypto';
import type { Locks } from '../../infra/lock';
import { leadModel } from './model';
import { testDriveModel } from './test-drives';

/**
 * Key rotation of the contact details advisors' leads and test-drive bookings keep (encrypted with
 * the PII keyring, AAD bound to the document). Run by `pnpm --filter @carmall/bff rotate-keys` after
 * the users: re-encrypts every field not under the active key, under the document's lock and
 * conditional on the ciphertext it read, so a concurrent writer is never overwritten. Resumable.
 */
const TARGETS: Array<{ model: (c: Connection) => Model<any>; aad: (id: string, field: string) => string; lock: (id: string) => string }> = [
  { model: leadModel, aad: (id, f) => `lead:${id}:${f}`, lock: (id) => `lead:${id}` },
  { model: testDriveModel, aad: (id, f) => `test_drives/${id}/${f}`, lock: (id) => `test-drive:${id}` },
];
const FIELDS = ['name', 'phone'] as const;

export async function rotateAdvisorPii(conn: Connection, locks: Locks, cipher: PiiCipher, opts: { batch?: number } = {}) {
  const batch = opts.batch ?? 200;
  const stale = (v: unknown) => typeof v === 'string' && PiiCipher.kidOf(v) !== cipher.activeKid;
  let rotated = 0;
  let remaining = 0;
  const failed: Array<{ id: string; error: string }> = [];
  for (const target of TARGETS) {
    const M = target.model(conn);
    let afterId: unknown = null;
    for (;;) {
      const docs = await M.find(afterId ? { _id: { $gt: afterId } } : {}, { contact: 1 }).sort({ _id: 1 }).limit(batch).lean<Array<{ _id: unknown; contact?: Record<string, string> }>>();
      if (docs.length === 0) break;
      for (const d of docs) {
        afterId = d._id;
        if (!FIELDS.some((f) => stale(d.contact?.[f]))) continue;
        const id = String(d._id);
        try {
          await locks.withLock(target.lock(id), async () => {
            const cur = await M.findById(d._id, { contact: 1 }).lean<{ contact?: Record<string, string> }>();
            const set: Record<string, string> = {};
            const cond: Record<string, unknown> = { _id: d._id };
            for (const f of FIELDS) {
              const v = cur?.contact?.[f];
              if (!stale(v)) continue;
              set[`contact.${f}`] = cipher.encrypt(cipher.decrypt(v!, target.aad(id, f)), target.aad(id, f));
              cond[`contact.${f}`] = v;
            }
            if (Object.keys(set).length && (await M.updateOne(cond, { $set: set })).modifiedCount === 1) rotated++;
          });
        } catch (err) {
          failed.push({ id, error: (err as Error).message });
        }
      }
    }
    for (const d of await M.find({}, { contact: 1 }).lean<Array<{ contact?: Record<string, string> }>>()) if (FIELDS.some((f) => stale(d.contact?.[f]))) remaining++;
  }
  return { rotated, remaining, failed };
}
