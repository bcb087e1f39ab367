import { Types, type Connection } from 'mongoose';
import type { Context } from 'koa';
import { maskIdCard, maskName, maskPhone } from '@carmall/shared-types';
import { AppError, notFound } from '../../infra/errors';
import { PiiCipher } from '../../infra/crypto';
import type { Locks } from '../../infra/lock';
import type { AuthedUser, Role, SessionStore } from '../auth/session';
import { ownedOr404 } from '../auth/ownership';
import type { AuditLog } from '../audit/service';
import type { OrderService } from '../orders/service';
import { consentModel, identityModel, userModel } from './model';

export const PII_FIELDS = ['phone', 'realName', 'idCardNo', 'driverLicenceNo'] as const;
export type PiiField = (typeof PII_FIELDS)[number];
export type Pii = Partial<Record<PiiField, string>>;

export type IdentityKind = 'wechat' | 'wechat-union' | 'alipay' | 'phone';
export interface LoginIdentity {
  kind: IdentityKind;
  subject: string;
}

interface UserLean {
  _id: Types.ObjectId | string;
  roles: Role[];
  pii?: Pii;
  piiKid?: string;
  phoneIndex?: string;
  deletedAt?: Date;
  createdAt?: Date;
  lastLoginAt?: Date;
}

/** What accounts need from orders: OrderService's, passed in from app.ts (orders are built after users). */
export type BuyerOrders = Pick<OrderService, 'listAllOfBuyer' | 'countUnsettledOf'>;

const idOf = (i: LoginIdentity) => `${i.kind}:${i.subject}`;
const isDup = (err: unknown) => (err as { code?: number }).code === 11000;
export const aadOf = (userId: string, field: PiiField) => `users/${userId}/${field}`;

/**
 * Accounts: who a login is (identities → one user), personal data (always encrypted at rest,
 * masked on the way out), roles, consents, export and erasure.
 */
export class UserService {
  constructor(
    private readonly conn: Connection,
    private readonly cipher: PiiCipher,
    private readonly locks: Locks,
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
    private readonly orders: BuyerOrders,
  ) {}

  private get Users() {
    return userModel(this.conn);
  }
  private get Identities() {
    return identityModel(this.conn);
  }

  /** Releases the unique index on wechatOpenId of earlier versions (users without WeChat have none). */
  async migrateIndexes(): Promise<void> {
    const indexes = await this.Users.collection.indexes().catch(() => []);
    if (indexes.some((i) => i.name === 'wechatOpenId_1' && i.unique)) await this.Users.collection.dropIndex('wechatOpenId_1').catch(() => undefined);
  }

  phoneIndex(phone: string) {
    return this.cipher.blindIndex('phone', phone);
  }

  /**
   * The user behind a login: the primary identity's user, else the user of a linking identity
   * (unionid, verified phone), else a new user. Claiming an identity is an insert into a unique
   * _id, so concurrent first logins end up with one user. Links that already belong to another
   * user are left alone (accounts are never merged silently).
   */
  async login(opts: { primary: LoginIdentity; links?: LoginIdentity[]; set?: Record<string, string>; legacy?: Record<string, string> }, retry = true): Promise<{ user: AuthedUser; isNew: boolean }> {
    const all = [opts.primary, ...(opts.links ?? [])];
    const found = await this.Identities.find({ _id: { $in: all.map(idOf) } }).lean<Array<{ _id: string; userId: string }>>();
    const byId = new Map(found.map((f) => [f._id, f.userId]));
    let userId = all.map((i) => byId.get(idOf(i))).find(Boolean);
    if (!userId && opts.legacy) {
      const legacy = await this.Users.findOne({ ...opts.legacy, deletedAt: { $exists: false } }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
      if (legacy) userId = String(legacy._id);
    }
    let isNew = false;
    if (!byId.has(idOf(opts.primary))) {
      const candidate = userId ?? new Types.ObjectId().toHexString();
      try {
        await this.Identities.create({ _id: idOf(opts.primary), userId: candidate, kind: opts.primary.kind });
        isNew = !userId;
        userId = candidate;
      } catch (err) {
        if (!isDup(err)) throw err;
        const winner = await this.Identities.findById(idOf(opts.primary)).lean<{ userId: string }>();
        if (!winner) throw err;
        userId = winner.userId;
      }
    }
    for (const link of opts.links ?? []) {
      if (byId.has(idOf(link))) continue;
      await this.Identities.create({ _id: idOf(link), userId, kind: link.kind }).catch((err) => {
        if (!isDup(err)) throw err;
      });
    }
    const upsert = () =>
      this.Users.findOneAndUpdate(
        { _id: userId },
        { $set: { lastLoginAt: new Date(), ...(opts.set ?? {}) }, $setOnInsert: { roles: ['buyer'] } },
        { upsert: true, new: true },
      ).lean<UserLean>();
    const user = await upsert().catch((err) => (isDup(err) ? upsert() : Promise.reject(err)));
    if (!user) throw new Error('user vanished right after upsert');
    if (user.deletedAt) {
      // An erasure that stopped half-way left identities pointing at an erased account.
      await this.Identities.deleteMany({ userId });
      if (retry) return this.login(opts, false);
      throw new AppError(409, 'CONFLICT', '账号状态异常，请稍后再试');
    }
    return { user: { id: String(user._id), roles: user.roles }, isNew };
  }

  /** The session view of a user (current roles); null when deleted or unknown. */
  async sessionUser(id: string): Promise<AuthedUser | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    const u = await this.Users.findById(id, { roles: 1, deletedAt: 1 }).lean<UserLean>();
    return u && !u.deletedAt ? { id: String(u._id), roles: u.roles } : null;
  }

  /** The user who verified this phone, if any. */
  async findIdByPhone(phone: string): Promise<string | null> {
    const identity = await this.Identities.findById(idOf({ kind: 'phone', subject: this.phoneIndex(phone) })).lean<{ userId: string }>();
    return identity?.userId ?? null;
  }

  // ---- for other modules: they never read the users collection themselves ----

  /** The user's WeChat openid and Alipay user id (payments and WeChat messages go to these). */
  async channelAccountOf(userId: string): Promise<{ wechatOpenId?: string; alipayUserId?: string } | null> {
    return this.Users.findById(userId, { wechatOpenId: 1, alipayUserId: 1 }).lean<{ wechatOpenId?: string; alipayUserId?: string }>();
  }

  /** The buyer's name and phone from their account, decrypted (a lead stores them re-encrypted). */
  async contactOf(userId: string): Promise<{ name: string | null; phone: string | null }> {
    const u = await this.Users.findById(userId).lean<UserLean>();
    if (!u) return { name: null, phone: null };
    const pii = this.decryptAll(u);
    return { name: pii.realName ?? null, phone: pii.phone ?? null };
  }

  /**
   * Whether a phone number is this user's verified phone (a phone identity: SMS login or a bound
   * phone), another one, or the user has none — compared by the blind index, nothing decrypted.
   * Vehicles ask it when an owner claims a car from the DMS's record.
   */
  async comparePhone(userId: string, phone: string): Promise<'same' | 'different' | 'none'> {
    const identity = await this.Identities.findById(idOf({ kind: 'phone', subject: this.phoneIndex(phone) })).lean<{ userId: string }>();
    if (identity?.userId === userId) return 'same';
    const own = await this.Identities.exists({ userId, kind: 'phone' });
    return own ? 'different' : 'none';
  }

  /**
   * Users whose verified phone is this whole number, found by the blind index (nothing decrypted,
   * the number neither stored nor logged): the staff console's order search by a buyer's phone.
   */
  async idsByPhone(phone: string): Promise<string[]> {
    const index = this.phoneIndex(phone);
    const [identity, users] = await Promise.all([
      this.Identities.findById(idOf({ kind: 'phone', subject: index })).lean<{ userId: string }>(),
      this.Users.find({ phoneIndex: index, deletedAt: { $exists: false } }, { _id: 1 }).limit(10).lean<Array<{ _id: Types.ObjectId }>>(),
    ]);
    return [...new Set([...(identity ? [identity.userId] : []), ...users.map((u) => String(u._id))])];
  }

  /** Each user's phone and name, masked (138****1234, 张*), for staff lists; erased or unknown users are left out. */
  async maskedContacts(userIds: string[]): Promise<Map<string, { phone: string | null; name: string | null }>> {
    const ids = [...new Set(userIds)].filter((id) => Types.ObjectId.isValid(id));
    if (ids.length === 0) return new Map();
    const users = await this.Users.find({ _id: { $in: ids } }, { pii: 1 }).lean<UserLean[]>();
    return new Map(
      users.map((u) => {
        const pii = this.decryptAll(u);
        return [String(u._id), { phone: pii.phone ? maskPhone(pii.phone) : null, name: pii.realName ? maskName(pii.realName) : null }];
      }),
    );
  }

  async exists(userId: string): Promise<boolean> {
    return Boolean(await this.Users.exists({ _id: userId }));
  }

  private async load(id: string): Promise<UserLean> {
    if (!Types.ObjectId.isValid(id)) throw notFound('用户');
    const u = await this.Users.findById(id).lean<UserLean>();
    if (!u || u.deletedAt) throw notFound('用户');
    return u;
  }

  decryptAll(u: UserLean): Pii {
    const out: Pii = {};
    for (const f of PII_FIELDS) {
      const v = u.pii?.[f];
      if (v) out[f] = this.cipher.decrypt(v, aadOf(String(u._id), f));
    }
    return out;
  }

  /** Everything encrypted under the active key, plus the blind index. */
  encryptAll(userId: string, pii: Pii) {
    const enc: Pii = {};
    for (const f of PII_FIELDS) if (pii[f]) enc[f] = this.cipher.encrypt(pii[f]!, aadOf(userId, f));
    const any = Object.keys(enc).length > 0;
    return {
      $set: { ...(any ? { pii: enc, piiKid: this.cipher.activeKid } : {}), ...(pii.phone ? { phoneIndex: this.phoneIndex(pii.phone) } : {}) },
      $unset: { ...(any ? {} : { pii: 1, piiKid: 1 }), ...(pii.phone ? {} : { phoneIndex: 1 }) },
    };
  }

  /**
   * Changes personal data: read, decrypt, merge, re-encrypt every field under the active key,
   * write — under the user's lock, so it cannot interleave with the rotation command or itself.
   */
  async writePii(userId: string, changes: Partial<Record<PiiField, string | null>>): Promise<void> {
    await this.locks.withLock(`user:${userId}`, async () => {
      const u = await this.load(userId);
      const pii = this.decryptAll(u);
      for (const [k, v] of Object.entries(changes) as Array<[PiiField, string | null | undefined]>) {
        if (v === undefined) continue;
        if (v === null) delete pii[k];
        else pii[k] = v;
      }
      const update = this.encryptAll(userId, pii);
      await this.Users.updateOne({ _id: userId }, { $set: update.$set, ...(Object.keys(update.$unset).length ? { $unset: update.$unset } : {}) });
    });
  }

  /** Records a verified phone on the user and claims it as a login identity (409 if another user has it). */
  async bindPhone(userId: string, phone: string): Promise<void> {
    const id = idOf({ kind: 'phone', subject: this.phoneIndex(phone) });
    const existing = await this.Identities.findById(id).lean<{ userId: string }>();
    if (existing && existing.userId !== userId) throw new AppError(409, 'PHONE_IN_USE', '该手机号已绑定其他账号');
    const u = await this.load(userId);
    if (u.phoneIndex && u.phoneIndex !== this.phoneIndex(phone)) {
      await this.Identities.deleteOne({ _id: `phone:${u.phoneIndex}`, userId });
    }
    if (!existing) {
      await this.Identities.create({ _id: id, userId, kind: 'phone' }).catch(async (err) => {
        if (!isDup(err)) throw err;
        throw new AppError(409, 'PHONE_IN_USE', '该手机号已绑定其他账号');
      });
    }
    await this.writePii(userId, { phone });
  }

  /** Masked view of a user: the only shape personal data leaves the BFF in (except the audited staff read). */
  async present(u: UserLean) {
    const pii = this.decryptAll(u);
    const identities = await this.Identities.find({ userId: String(u._id) }, { kind: 1 }).lean<Array<{ kind: IdentityKind }>>();
    return {
      id: String(u._id),
      roles: u.roles,
      phone: pii.phone ? maskPhone(pii.phone) : null,
      realName: pii.realName ? maskName(pii.realName) : null,
      idCardNo: pii.idCardNo ? maskIdCard(pii.idCardNo) : null,
      driverLicenceNo: pii.driverLicenceNo ? maskIdCard(pii.driverLicenceNo) : null,
      channels: [...new Set(identities.map((i) => (i.kind === 'wechat-union' ? 'wechat' : i.kind === 'phone' ? 'sms' : i.kind)))].sort(),
      createdAt: u.createdAt?.toISOString() ?? null,
    };
  }

  async me(userId: string) {
    return this.present(await this.load(userId));
  }

  // ---- consents ----

  async addConsent(userId: string, c: { document: string; version: string; channel: string; granted: boolean }) {
    const doc = await consentModel(this.conn).create({ userId, ...c, at: new Date() });
    return presentConsent(doc.toObject());
  }

  async listConsents(userId: string) {
    const docs = await consentModel(this.conn).find({ userId }).sort({ at: -1 }).limit(200).lean();
    return { items: docs.map(presentConsent) };
  }

  async getConsent(user: AuthedUser, id: string) {
    const doc = Types.ObjectId.isValid(id) ? await consentModel(this.conn).findById(id).lean<Record<string, unknown>>() : null;
    return presentConsent(ownedOr404(doc, (d) => String(d.userId), user, '同意记录'));
  }

  // ---- export and erasure ----

  /**
   * The user's own data. Personal data is masked here too: the export travels through the client
   * and may be saved or shared; full values are only released to staff with a recorded reason.
   */
  async exportData(userId: string) {
    const u = await this.load(userId);
    const orders = await this.orders.listAllOfBuyer(userId);
    const identities = await this.Identities.find({ userId }).lean<Array<{ kind: string; createdAt: Date }>>();
    return {
      exportedAt: new Date().toISOString(),
      profile: await this.present(u),
      logins: identities.map((i) => ({ kind: i.kind, linkedAt: i.createdAt?.toISOString() ?? null })),
      consents: (await this.listConsents(userId)).items,
      orders: orders.map((o) => ({
        orderNo: o.orderNo,
        state: o.state,
        modelName: o.modelName,
        trimName: o.trimName,
        totalFen: o.totalFen,
        depositFen: o.depositFen,
        createdAt: (o.createdAt as Date | undefined)?.toISOString() ?? null,
      })),
    };
  }

  /**
   * Account deletion: personal data and login identities are erased, sessions revoked; the user
   * document stays as a tombstone so orders (kept for the law: accounting, vehicle records) still
   * name a buyer id. Refused while an order is still in progress.
   */
  async erase(user: AuthedUser, ctx: Context | null): Promise<void> {
    await this.locks.withLock(`user:${user.id}`, async () => {
      await this.load(user.id);
      const active = await this.orders.countUnsettledOf(user.id);
      if (active > 0) throw new AppError(409, 'ACCOUNT_HAS_ACTIVE_ORDERS', '您有进行中的订单，完成或取消后才能注销账号', { activeOrders: active });
      await this.Users.updateOne(
        { _id: user.id },
        {
          $set: { deletedAt: new Date(), roles: ['buyer'] },
          $unset: { pii: 1, piiKid: 1, phoneIndex: 1, wechatOpenId: 1, wechatUnionId: 1, alipayUserId: 1 },
        },
      );
      await this.Identities.deleteMany({ userId: user.id });
    });
    await this.sessions.revokeUser(user.id);
    await this.audit.record(user, ctx, { action: 'account.erase', targetType: 'user', targetId: user.id });
  }

  // ---- staff ----

  /** One user, masked, for staff-facing services (service bookings' owners, the roles answer). */
  async adminGet(id: string) {
    return this.present(await this.load(id));
  }

  /**
   * GET /admin/users/:id: one user, masked. Service staff and admins see anyone. An advisor sees only
   * a user behind one of their own leads or shares (`advisorReaches`, asked of the advisors module),
   * and only what following up a customer needs: the masked phone and name, whether they are a
   * buyer (not who is staff or an admin), no ID or licence number even masked. Anyone else is 404
   * like an unknown id, not 403: an advisor cannot find out by probing which ids exist.
   */
  async adminGetAs(viewer: AuthedUser, id: string, advisorReaches: (advisorId: string, userId: string) => Promise<boolean>) {
    const fullAccess = viewer.roles.some((r) => r === 'service' || r === 'admin');
    if (!fullAccess && !(Types.ObjectId.isValid(id) && (await advisorReaches(viewer.id, id)))) throw notFound('用户');
    const profile = await this.adminGet(id);
    return fullAccess ? profile : { ...profile, roles: profile.roles.filter((r) => r === 'buyer'), idCardNo: null, driverLicenceNo: null };
  }

  async adminFindByPhone(phone: string) {
    const users = await this.Users.find({ phoneIndex: this.phoneIndex(phone), deletedAt: { $exists: false } }).limit(10).lean<UserLean[]>();
    return { items: await Promise.all(users.map((u) => this.present(u))) };
  }

  /** Unmasked personal data for staff, only with a reason, and the read is audited first. */
  async adminReadPii(actor: AuthedUser, ctx: Context, id: string, reason: string) {
    const u = await this.load(id);
    const pii = this.decryptAll(u);
    await this.audit.record(actor, ctx, { action: 'user.pii.read', targetType: 'user', targetId: id, reason, after: { fields: Object.keys(pii) } });
    return { id, phone: pii.phone ?? null, realName: pii.realName ?? null, idCardNo: pii.idCardNo ?? null, driverLicenceNo: pii.driverLicenceNo ?? null };
  }

  async setRoles(actor: AuthedUser, ctx: Context, id: string, roles: Role[]) {
    const next = [...new Set(roles)].sort();
    if (id === actor.id && !next.includes('admin')) throw new AppError(409, 'CONFLICT', '不能移除自己的管理员角色');
    const before = await this.locks.withLock(`user:${id}`, async () => {
      const u = await this.load(id);
      await this.Users.updateOne({ _id: id }, { $set: { roles: next } });
      return [...u.roles].sort();
    });
    await this.audit.record(actor, ctx, { action: 'user.roles.set', targetType: 'user', targetId: id, before: { roles: before }, after: { roles: next } });
    // Sessions carry roles: end them so the change (above all a removal) applies at once.
    await this.sessions.revokeUser(id);
    return this.adminGet(id);
  }
}

function presentConsent(d: Record<string, unknown>) {
  return {
    id: String(d._id),
    document: d.document as string,
    version: d.version as string,
    channel: d.channel as string,
    granted: d.granted as boolean,
    at: (d.at as Date).toISOString(),
  };
}
