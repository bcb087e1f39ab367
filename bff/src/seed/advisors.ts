import { Types, type Connection } from 'mongoose';
import type { PiiCipher } from '../infra/crypto';
import { identityModel, userModel } from '../modules/users/model';
import { advisorProfileModel } from '../modules/advisors/model';
import { siteStaffModel } from '../modules/slots/model';
import { aadOf } from '../modules/users/service';

/**
 * Demo sales advisors: they sign in on H5 with their phone (SMS code; locally the SMS simulator's
 * `/__sim/sms/last?phone=`). Idempotent: the phone identity finds the same user on every run, the
 * advisor role is added, the display name and store are upserted.
 */
export const DEMO_ADVISORS = [
  { phone: '13900139000', displayName: '王顾问', storeCode: 'SH-JINGAN' },
  { phone: '13900139001', displayName: '李顾问', storeCode: 'BJ-CHAOYANG' },
] as const;

export async function seedDemoAdvisors(conn: Connection, cipher: PiiCipher): Promise<string[]> {
  const Users = userModel(conn);
  const Identities = identityModel(conn);
  const ids: string[] = [];
  for (const a of DEMO_ADVISORS) {
    const phoneIndex = cipher.blindIndex('phone', a.phone);
    const identityId = `phone:${phoneIndex}`;
    let userId = (await Identities.findById(identityId).lean<{ userId: string }>())?.userId;
    if (!userId) {
      const id = new Types.ObjectId();
      await Users.create({
        _id: id,
        roles: ['buyer', 'advisor'],
        pii: { phone: cipher.encrypt(a.phone, aadOf(String(id), 'phone')) },
        piiKid: cipher.activeKid,
        phoneIndex,
        lastLoginAt: new Date(),
      });
      try {
        await Identities.create({ _id: identityId, userId: String(id), kind: 'phone' });
        userId = String(id);
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        await Users.deleteOne({ _id: id }); // a concurrent seed won: use its user
        userId = (await Identities.findById(identityId).lean<{ userId: string }>())!.userId;
      }
    }
    await Users.updateOne({ _id: userId }, { $addToSet: { roles: 'advisor' } });
    await advisorProfileModel(conn).updateOne({ _id: userId }, { $set: { displayName: a.displayName } }, { upsert: true });
    // The store they work at (its unassigned test-drive leads are theirs to take); the store is a demo site.
    await siteStaffModel(conn).updateOne({ _id: userId }, { $set: { siteCode: a.storeCode } }, { upsert: true });
    ids.push(userId);
  }
  return ids;
}
