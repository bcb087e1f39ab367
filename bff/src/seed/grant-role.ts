/**
 * Give a user a staff role until the accounts issue brings a console for it:
 *   pnpm --filter @carmall/bff grant-role <userId | wechatOpenId> <operator|advisor|service|admin>
 */
import { loadConfig } from '../config';
import { createLogger } from '../infra/logger';
import { connectMongo } from '../infra/mongo';
import { userModel } from '../modules/users/model';
import { ROLES, type Role } from '../modules/auth/session';

const [who, role] = process.argv.slice(2);
if (!who || !ROLES.includes(role as Role)) {
  console.error(`usage: grant-role <userId | wechatOpenId> <${ROLES.join('|')}>`);
  process.exit(2);
}
const config = loadConfig();
const mongo = connectMongo(config.MONGODB_URI, createLogger('warn'));
await mongo.connected;
const filter = /^[0-9a-f]{24}$/.test(who) ? { _id: who } : { wechatOpenId: who };
const res = await userModel(mongo.conn).updateOne(filter, { $addToSet: { roles: role } });
console.log(res.matchedCount ? `granted ${role} (takes effect at the next login)` : 'no such user');
await mongo.close();
process.exit(res.matchedCount ? 0 : 1);
