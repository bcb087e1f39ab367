import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { attribute, formatFen, visitDayKey, type AttributionResult, type BodyType } from '@carmall/shared-types';
import type { ShareCreateRequest } from '@carmall/shared-types/schemas';
import { AppError } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { AuthedUser } from '../auth/session';
import { coverImagePath, type CatalogService } from '../catalog/service';
import type { ConfigurationService } from '../configurations/service';
import { advisorProfileModel, creditModel, shareModel, shareVisitModel, type CreditDoc, type ShareDoc, type ShareSnapshot, type ShareVisitDoc } from './model';
import type { PosterService, PosterContent } from './poster';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const SHARE_ID_RE = /^[1-9A-HJ-NP-Za-km-z]{12}$/;
export const SHARE_PAGE = 'pages/share/index';
const DEFAULT_ADVISOR_NAME = '远山汽车顾问';

/** 12 base-58 characters from the CSPRNG (~70 bits): not guessable, and well within WeChat's 32-char scene. */
export function newShareId(): string {
  const bytes = randomBytes(24);
  let id = '';
  for (const b of bytes) {
    if (b >= 232) continue; // 232 = 4 * 58: keep the distribution uniform
    id += BASE58[b % 58];
    if (id.length === 12) return id;
  }
  return newShareId();
}

/** The chosen paint's colour, so the poster's car is the colour the buyer configured. */
export function paintSwatch(model: { options: Array<{ code: string; group: string; swatch?: string }> }, lineItems?: Array<{ code: string; group: string }>): string | undefined {
  const paint = lineItems?.find((l) => l.group === 'paint');
  return paint ? model.options.find((o) => o.code === paint.code)?.swatch : undefined;
}

export const shareNotFound = () => new AppError(404, 'SHARE_NOT_FOUND', '分享不存在或已失效');
const shareModelGone = (modelCode: string) => new AppError(410, 'SHARE_MODEL_UNAVAILABLE', '分享的车型已下架，请联系顾问了解在售车型', { modelCode });
const isNotFound = (err: unknown) => err instanceof AppError && err.status === 404;

export interface ShareServiceOptions {
  shareTtlDays: number;
  attributionWindowDays: number;
  publicBaseUrl: string | null;
}

/**
 * Shares, visits and attribution. Visits are written only by `visit()` (the visit endpoint), one per
 * device per share per Shanghai day; credits for leads and orders are decided by the pure rule in
 * shared-types (`attribute`) from those recorded visits and written once per lead/order.
 */
export class ShareService {
  constructor(
    private readonly conn: Connection,
    private readonly catalog: CatalogService,
    private readonly configurations: ConfigurationService,
    private readonly locks: Locks,
    private readonly posters: PosterService,
    private readonly logger: Logger,
    private readonly opts: ShareServiceOptions,
  ) {}

  get Shares() {
    return shareModel(this.conn);
  }
  get Visits() {
    return shareVisitModel(this.conn);
  }
  get Credits() {
    return creditModel(this.conn);
  }
  get Profiles() {
    return advisorProfileModel(this.conn);
  }

  async advisorName(userId: string): Promise<string> {
    return (await this.advisorProfile(userId)).displayName;
  }

  /** How the advisor appears to buyers: display name and work WeChat ID (null until set). */
  async advisorProfile(userId: string): Promise<{ displayName: string; wechatId: string | null }> {
    const p = await this.Profiles.findById(userId, 'displayName wechatId').lean<{ displayName: string; wechatId?: string | null }>();
    return { displayName: p?.displayName ?? DEFAULT_ADVISOR_NAME, wechatId: p?.wechatId ?? null };
  }

  async setAdvisorProfile(userId: string, profile: { displayName: string; wechatId: string | null }) {
    await this.Profiles.updateOne({ _id: userId }, { $set: profile }, { upsert: true });
    return this.advisorProfile(userId);
  }

  /** The buyer's latest visit of a share that can be credited (not the share's own advisor), or null. */
  async visitOf(buyerUserId: string, shareId: string): Promise<{ visitId: string } | null> {
    const v = await this.Visits.findOne({ userId: buyerUserId, shareId, self: { $ne: true } }).sort({ at: -1 }).lean<ShareVisitDoc>();
    return v ? { visitId: v._id } : null;
  }

  /** Create (or return the same unexpired) share of a model or saved configuration. */
  async create(advisor: AuthedUser, req: ShareCreateRequest): Promise<{ share: Awaited<ReturnType<ShareService['present']>>; created: boolean }> {
    let modelCode: string;
    let configurationId: string | null = null;
    let snapshot: ShareSnapshot | null = null;
    if (req.kind === 'configuration') {
      const saved = await this.configurations.get(req.configurationId!);
      modelCode = saved.modelCode;
      configurationId = saved.shortId;
      const { shortId, modelName, trimCode, trimName, config } = saved;
      snapshot = { shortId, modelCode, modelName, trimCode, trimName, config };
    } else {
      modelCode = (await this.catalog.getModel(req.modelCode!)).model.code;
    }
    const targetKey = `${advisor.id}:${req.kind}:${configurationId ?? modelCode}`;
    const { doc, created } = await this.locks.withLock(`share:${targetKey}`, async () => {
      const now = new Date();
      const existing = await this.Shares.findOne({ targetKey, expiresAt: { $gt: now } }).sort({ expiresAt: -1 }).lean<ShareDoc>();
      if (existing) return { doc: existing, created: false };
      const fresh = await this.Shares.create({
        _id: newShareId(),
        advisorUserId: advisor.id,
        kind: req.kind,
        modelCode,
        configurationId,
        snapshot,
        targetKey,
        expiresAt: new Date(now.getTime() + this.opts.shareTtlDays * 86_400_000),
      });
      return { doc: fresh.toObject() as ShareDoc, created: true };
    });
    return { share: await this.present(doc), created };
  }

  /** A share that exists and has not expired; forged or malformed ids are 404, expired ones 410. */
  async valid(shareId: string): Promise<ShareDoc> {
    if (!SHARE_ID_RE.test(shareId)) throw shareNotFound();
    const doc = await this.Shares.findById(shareId).lean<ShareDoc>();
    if (!doc) throw shareNotFound();
    if (doc.expiresAt.getTime() <= Date.now())
      throw new AppError(410, 'SHARE_EXPIRED', '该分享已过期，请联系顾问重新分享', { expiredAt: doc.expiresAt.toISOString(), modelCode: doc.modelCode });
    return doc;
  }

  /** What the share card shows: the model, the configuration as frozen and priced now, the advisor's display name. */
  async card(shareId: string) {
    const doc = await this.valid(shareId);
    const summary = (await this.modelOf(doc))?.summary;
    if (!summary) throw shareModelGone(doc.modelCode);
    const configuration = await this.configurationOf(doc);
    const advisor = await this.advisorProfile(doc.advisorUserId);
    const advisorName = advisor.displayName;
    return {
      shareId: doc._id,
      kind: doc.kind,
      title: this.title(advisorName, summary.name, summary.startingPriceFen, configuration),
      expiresAt: doc.expiresAt.toISOString(),
      advisor: { displayName: advisorName, wechatId: advisor.wechatId },
      model: { code: summary.code, name: summary.name, tagline: summary.tagline, coverImage: summary.coverImage, startingPriceFen: summary.startingPriceFen },
      configuration: configuration
        ? { shortId: configuration.shortId, trimCode: configuration.trimCode, trimName: configuration.trimName, config: configuration.config, totalFen: configuration.config.totalFen, current: configuration.current }
        : null,
    };
  }

  private title(advisorName: string, modelName: string, startingPriceFen: number, configuration: { trimName: string; config: { totalFen: number }; current: { totalFen: number | null } } | null) {
    return configuration
      ? `${advisorName}为您推荐：${modelName} ${configuration.trimName} ${formatFen(configuration.current.totalFen ?? configuration.config.totalFen)}`
      : `${advisorName}为您推荐：${modelName} ${formatFen(startingPriceFen)}起`;
  }

  /** The shared model, or null once it is delisted (the share then only lists, it no longer opens). */
  private async modelOf(doc: ShareDoc) {
    try {
      return await this.catalog.getModel(doc.modelCode);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /**
   * The shared configuration priced now; if its owner has deleted it, the snapshot taken when it was
   * shared (marked not orderable as is), so one deleted configuration never breaks a card or a list.
   */
  private async configurationOf(doc: ShareDoc) {
    if (!doc.configurationId) return null;
    try {
      return await this.configurations.get(doc.configurationId);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (!doc.snapshot) return null;
      return {
        ...doc.snapshot,
        current: { valid: false, totalFen: null, reason: '该配置已被删除，显示的是分享时的配置与价格' },
        createdAt: new Date(doc.createdAt).toISOString(),
      };
    }
  }

  async present(doc: ShareDoc, advisorName?: string) {
    // A delisted model still lists (by the name it was shared under), without a price.
    const summary = (await this.modelOf(doc))?.summary;
    const modelName = summary?.name ?? doc.snapshot?.modelName ?? doc.modelCode;
    const configuration = await this.configurationOf(doc);
    const name = advisorName ?? (await this.advisorName(doc.advisorUserId));
    const base = (this.opts.publicBaseUrl ?? '').replace(/\/$/, '');
    return {
      shareId: doc._id,
      kind: doc.kind,
      modelCode: doc.modelCode,
      modelName,
      configurationId: doc.configurationId,
      path: `${SHARE_PAGE}?s=${doc._id}`,
      h5Url: `${base}/#/${SHARE_PAGE}?s=${doc._id}`,
      title: summary ? this.title(name, summary.name, summary.startingPriceFen, configuration) : `${name}为您推荐：${modelName}（已下架）`,
      posterUrl: `/api/v1/shares/${doc._id}/poster.png`,
      imageUrl: summary?.coverImage ?? coverImagePath(doc.modelCode),
      expiresAt: doc.expiresAt.toISOString(),
      createdAt: new Date(doc.createdAt).toISOString(),
    };
  }

  /**
   * Record a visit: one per device (visitorId) per share per Shanghai day, the natural key as _id so
   * a repeat (or a concurrent duplicate) inserts nothing. Signed in: the visit carries the user, and
   * this device's earlier anonymous visits are bound to the user (a bound visit is never re-bound).
   */
  async visit(shareId: string, visitorId: string, user: AuthedUser | null): Promise<{ shareId: string; counted: boolean; bound: number }> {
    const share = await this.valid(shareId);
    const now = new Date();
    let counted = true;
    try {
      await this.Visits.create({
        _id: visitDayKey(share._id, visitorId, now),
        shareId: share._id,
        advisorUserId: share.advisorUserId,
        visitorId,
        userId: user?.id ?? null,
        self: user?.id === share.advisorUserId,
        at: now,
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      counted = false;
    }
    const bound = user ? await this.bindVisitor(visitorId, user.id) : 0;
    return { shareId: share._id, counted, bound };
  }

  /** Give this device's anonymous visits to the user who just signed in on it. */
  async bindVisitor(visitorId: string, userId: string): Promise<number> {
    const res = await this.Visits.updateMany({ visitorId, userId: null }, { $set: { userId } });
    // Visits of the user's own shares (an advisor on their own device) are self-visits.
    await this.Visits.updateMany({ visitorId, userId, advisorUserId: userId }, { $set: { self: true } });
    return res.modifiedCount;
  }

  /** Whether this signed-in user visited one of the advisor's shares (the advisor's own visits do not count). */
  async isVisitorOf(advisorUserId: string, userId: string): Promise<boolean> {
    return (await this.Visits.exists({ advisorUserId, userId, self: false })) !== null;
  }

  /** Which advisor to credit for a lead or order of this buyer now (the pure rule over recorded visits). */
  async attributionFor(buyerUserId: string, at = new Date()): Promise<AttributionResult> {
    const since = new Date(at.getTime() - this.opts.attributionWindowDays * 86_400_000);
    const visits = await this.Visits.find({ userId: buyerUserId, at: { $gte: since } }).lean<ShareVisitDoc[]>();
    const shares = visits.length ? await this.Shares.find({ _id: { $in: [...new Set(visits.map((v) => v.shareId))] } }).lean<ShareDoc[]>() : [];
    const byId = new Map(shares.map((s) => [s._id, s]));
    return attribute(
      { buyerUserId, at },
      visits.map((v) => {
        const s = byId.get(v.shareId);
        return { visitId: v._id, shareId: v.shareId, at: v.at, share: s ? { advisorUserId: s.advisorUserId, createdAt: s.createdAt, expiresAt: s.expiresAt } : null };
      }),
      { windowDays: this.opts.attributionWindowDays },
    );
  }

  /**
   * Write the credit of a lead or order once (`<kind>:<ref>`): a repeat keeps the first credit and
   * answers it, so a retried booking or order can never move or double the credit.
   */
  async recordCredit(kind: CreditDoc['kind'], ref: string, buyerUserId: string, result: AttributionResult): Promise<CreditDoc | null> {
    const _id = `${kind}:${ref}`;
    if (!result.credited) return this.Credits.findById(_id).lean<CreditDoc>();
    try {
      await this.Credits.create({ _id, kind, ref, shareId: result.shareId, visitId: result.visitId, advisorUserId: result.advisorUserId, buyerUserId, at: new Date() });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    return this.Credits.findById(_id).lean<CreditDoc>();
  }

  /** The poster PNG of a valid share (cached by content). */
  async poster(shareId: string): Promise<Buffer> {
    const doc = await this.valid(shareId);
    const found = await this.modelOf(doc);
    if (!found) throw shareModelGone(doc.modelCode);
    const { model, summary } = found;
    const configuration = await this.configurationOf(doc);
    const content: PosterContent = {
      modelName: summary.name,
      bodyType: model.bodyType as BodyType,
      coverColor: paintSwatch(model, configuration?.config.lineItems) ?? (model as { coverColor?: string }).coverColor ?? '#5b6b7f',
      trimName: configuration?.trimName ?? null,
      options: configuration ? configuration.config.lineItems.filter((l) => l.group !== 'trim').map((l) => l.name) : [],
      priceFen: configuration ? (configuration.current.totalFen ?? configuration.config.totalFen) : summary.startingPriceFen,
      priceLabel: configuration ? '配置价' : '指导价',
      priceSuffix: configuration ? '' : '起',
      advisorName: await this.advisorName(doc.advisorUserId),
      scene: doc._id,
      page: SHARE_PAGE,
      expiresAt: doc.expiresAt,
    };
    return (await this.posters.poster(content)).png;
  }

  /** The advisor's shares with their figures (self-visits excluded), newest first. */
  async listForAdvisor(advisorUserId: string) {
    const shares = await this.Shares.find({ advisorUserId }).sort({ createdAt: -1 }).limit(200).lean<ShareDoc[]>();
    const visits = await this.Visits.find({ advisorUserId, self: false }, { shareId: 1, userId: 1, visitorId: 1 }).lean<Pick<ShareVisitDoc, 'shareId' | 'userId' | 'visitorId'>[]>();
    const credits = await this.Credits.find({ advisorUserId }, { shareId: 1, kind: 1 }).lean<Pick<CreditDoc, 'shareId' | 'kind'>[]>();
    const stats = new Map<string, { visits: number; visitors: Set<string>; leads: number; orders: number }>();
    const of = (id: string) => stats.get(id) ?? stats.set(id, { visits: 0, visitors: new Set(), leads: 0, orders: 0 }).get(id)!;
    for (const v of visits) {
      const s = of(v.shareId);
      s.visits += 1;
      s.visitors.add(v.userId ?? `anon:${v.visitorId}`);
    }
    for (const c of credits) {
      if (c.kind === 'order') of(c.shareId).orders += 1;
      else of(c.shareId).leads += 1;
    }
    const items = [];
    const name = await this.advisorName(advisorUserId);
    for (const doc of shares) {
      const s = stats.get(doc._id);
      items.push({ ...(await this.present(doc, name)), stats: { visits: s?.visits ?? 0, visitors: s?.visitors.size ?? 0, leads: s?.leads ?? 0, orders: s?.orders ?? 0 } });
    }
    return { items };
  }

  /** Order hook: credit the advisor at order creation (never fails the order). */
  async creditForOrder(buyerUserId: string): Promise<AttributionResult> {
    try {
      return await this.attributionFor(buyerUserId);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'attribution failed; order placed without an advisor');
      return { credited: false, reason: 'no_visit' };
    }
  }

  async recordOrderCredit(order: { orderNo: string; buyerId: string; advisorUserId?: string }, result: AttributionResult): Promise<void> {
    // Only the credit the order was actually created with (a replayed request answers the first order).
    if (!result.credited || order.advisorUserId !== result.advisorUserId) return;
    await this.recordCredit('order', order.orderNo, order.buyerId, result).catch((err: Error) => this.logger.warn({ err: err.message, orderNo: order.orderNo }, 'order credit not recorded'));
  }
}
