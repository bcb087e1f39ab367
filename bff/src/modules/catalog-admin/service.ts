import type { Connection } from 'mongoose';
import type { Context } from 'koa';
import { catalogEditProblems, type CatalogModel, type CatalogOption, type PriceEntry } from '@carmall/shared-types';
import type { AdminModelDetail, AdminModelList, CatalogChange } from '@carmall/shared-types/schemas';
import type { ReadThroughCache } from '../../infra/cache';
import type { Locks } from '../../infra/lock';
import { AppError, notFound } from '../../infra/errors';
import type { AuditLog } from '../audit/service';
import type { AuthedUser } from '../auth/session';
import { stripDoc, type CatalogService, type StoredModel } from '../catalog/service';
import { catalogAuditModel } from './model';

type OptionPatch = Partial<Pick<CatalogOption, 'name' | 'description' | 'availableOn' | 'requires' | 'requiresAny' | 'excludes' | 'includes' | 'prices'>>;
type Action = 'trim.prices' | 'option.update' | 'model.publish' | 'model.unpublish';
/** Who asks, and the request (for the staff audit log's request id and IP). */
export interface Editor {
  user: AuthedUser;
  ctx: Context | null;
}
interface ChangeOpts {
  modelCode: string;
  expectedVersion: number;
  action: Action;
  target: string;
  note?: string;
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * Operator edits. Each is one optimistic, single-document write: the caller sends the version it
 * edited, the whole model is re-checked with the shared rules and engine (catalogEditProblems, the
 * same function the console shows inline), and the catalog cache is invalidated after the write
 * so no buyer sees the old price once this returns. Every change is written to the catalog's own
 * change log (pending → applied/rejected, with before/after) and to the staff audit log.
 */
export class CatalogAdminService {
  constructor(
    private readonly conn: Connection,
    private readonly catalog: CatalogService,
    private readonly cache: ReadThroughCache,
    private readonly locks: Locks,
    private readonly auditLog: AuditLog,
  ) {}

  private get Audit() {
    return catalogAuditModel(this.conn);
  }

  /** What was applied to the model since `version` (newest last): what the 409 tells the second editor. */
  private async changesSince(modelCode: string, version: number): Promise<CatalogChange[]> {
    const items = await this.Audit.find({ modelCode, status: 'applied', fromVersion: { $gte: version } })
      .sort({ createdAt: 1 })
      .limit(50)
      .lean();
    return items.map((a) => ({ action: a.action, target: a.target, actorId: a.actorId, note: a.note ?? null, fromVersion: a.fromVersion, at: iso(a.createdAt as Date)! }));
  }

  private async conflict(modelCode: string, expectedVersion: number, currentVersion: number): Promise<never> {
    throw new AppError(409, 'VERSION_CONFLICT', '车型数据已被他人修改，请重新加载后再改', {
      currentVersion,
      yourVersion: expectedVersion,
      changes: await this.changesSince(modelCode, expectedVersion),
    });
  }

  private async change(opts: ChangeOpts, by: Editor, mutate: (model: CatalogModel, doc: StoredModel) => { before: unknown; after: unknown }, write?: (doc: StoredModel) => Promise<boolean>) {
    // One writer per model at a time (see infra/lock.ts); the version check then reports real conflicts.
    return this.locks.withLock(`model:${opts.modelCode}`, () => this.changeLocked(opts, by, mutate, write));
  }

  private async changeLocked(opts: ChangeOpts, by: Editor, mutate: (model: CatalogModel, doc: StoredModel) => { before: unknown; after: unknown }, write?: (doc: StoredModel) => Promise<boolean>) {
    const doc = await this.catalog.findByCode(opts.modelCode);
    if (!doc) throw notFound('车型', { code: opts.modelCode });
    if (doc.version !== opts.expectedVersion) await this.conflict(opts.modelCode, opts.expectedVersion, doc.version);
    const next = structuredClone(stripDoc(doc));
    const { before, after } = mutate(next, doc);
    // Taking a model off sale is always allowed; everything else must leave it consistent.
    const problems = opts.action === 'model.unpublish' ? [] : catalogEditProblems(next, new Date());
    if (problems.length) throw new AppError(422, 'CATALOG_INVALID', `修改后的车型数据不合规则：${problems[0].message}`, { problems });

    const audit = await this.Audit.create({ ...opts, actorId: by.user.id, fromVersion: doc.version, before, after, status: 'pending' });
    const written = write ? await write(doc) : await this.catalog.replaceTrimsAndOptions(opts.modelCode, opts.expectedVersion, next);
    if (!written) {
      await this.Audit.updateOne({ _id: audit._id }, { $set: { status: 'rejected' } });
      const current = await this.catalog.findByCode(opts.modelCode);
      return this.conflict(opts.modelCode, opts.expectedVersion, current?.version ?? opts.expectedVersion);
    }
    await this.Audit.updateOne({ _id: audit._id }, { $set: { status: 'applied' } });
    await this.auditLog.record(by.user, by.ctx, {
      action: `catalog.${opts.action}`,
      targetType: 'catalog_model',
      targetId: opts.modelCode,
      reason: opts.note,
      before: { version: doc.version, target: opts.target, value: before },
      after: { version: doc.version + 1, target: opts.target, value: after },
    });
    await this.cache.invalidate();
    return this.detail(opts.modelCode);
  }

  /** One model as the editor loads it: uncached (the latest version), published or not. */
  async detail(modelCode: string): Promise<AdminModelDetail> {
    const doc = await this.catalog.findByCode(modelCode);
    if (!doc) throw notFound('车型', { code: modelCode });
    const at = new Date();
    const model = stripDoc(doc);
    return { model, version: doc.version, published: doc.published !== false, updatedAt: iso(doc.updatedAt), pricedAt: at.toISOString(), problems: catalogEditProblems(model, at) };
  }

  async list(): Promise<AdminModelList> {
    const docs = await this.catalog.listAllForAdmin();
    return {
      items: docs.map((d) => ({
        code: d.code,
        name: d.name,
        series: d.series,
        bodyType: d.bodyType,
        energyType: d.energyType,
        published: d.published !== false,
        version: d.version,
        startingPriceFen: d.startingPriceFen ?? null,
        trims: d.trims.length,
        options: d.options.length,
        nextPriceChangeAt: iso(d.nextPriceChangeAt),
        updatedAt: iso(d.updatedAt),
      })),
    };
  }

  setTrimPrices(modelCode: string, trimCode: string, body: { expectedVersion: number; prices: PriceEntry[]; note?: string }, by: Editor) {
    return this.change({ modelCode, expectedVersion: body.expectedVersion, action: 'trim.prices', target: trimCode, note: body.note }, by, (model) => {
      const trim = model.trims.find((t) => t.code === trimCode);
      if (!trim) throw new AppError(404, 'UNKNOWN_TRIM', `没有版本 ${trimCode}`, { trimCode });
      const before = trim.prices;
      trim.prices = body.prices;
      return { before, after: body.prices };
    });
  }

  updateOption(modelCode: string, optionCode: string, body: OptionPatch & { expectedVersion: number; note?: string }, by: Editor) {
    const { expectedVersion, note, ...patch } = body;
    return this.change({ modelCode, expectedVersion, action: 'option.update', target: optionCode, note }, by, (model) => {
      const option = model.options.find((o) => o.code === optionCode);
      if (!option) throw new AppError(404, 'UNKNOWN_OPTION', `没有选装 ${optionCode}`, { optionCode });
      const before = Object.fromEntries(Object.keys(patch).map((k) => [k, option[k as keyof OptionPatch] ?? null]));
      Object.assign(option, patch);
      // An empty rule list means "no such rule": stored absent, as the catalog keeps it (the editor sends [] to clear one).
      for (const k of ['requires', 'requiresAny', 'excludes', 'includes'] as const) if (option[k]?.length === 0) delete option[k];
      return { before, after: patch };
    });
  }

  /** Publish (buyers see it: lists, its page, orders) or unpublish a model. A model with problems cannot be published. */
  setPublished(modelCode: string, body: { expectedVersion: number; published: boolean; note?: string }, by: Editor) {
    const action = body.published ? 'model.publish' : 'model.unpublish';
    return this.change(
      { modelCode, expectedVersion: body.expectedVersion, action, target: modelCode, note: body.note },
      by,
      (_model, doc) => ({ before: { published: doc.published !== false }, after: { published: body.published } }),
      () => this.catalog.setPublished(modelCode, body.expectedVersion, body.published),
    );
  }

  async audit(modelCode: string | undefined, limit: number) {
    const items = await this.Audit.find(modelCode ? { modelCode } : {})
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean();
    return {
      items: items.map((a) => ({
        id: String(a._id),
        modelCode: a.modelCode,
        actorId: a.actorId,
        action: a.action,
        target: a.target,
        before: a.before,
        after: a.after,
        note: a.note ?? null,
        fromVersion: a.fromVersion,
        status: a.status,
        at: (a.createdAt as Date).toISOString(),
      })),
    };
  }
}
