import type { Connection } from 'mongoose';
import { validateCatalogModel, type CatalogModel, type CatalogOption, type PriceEntry } from '@carmall/shared-types';
import type { ReadThroughCache } from '../../infra/cache';
import type { Locks } from '../../infra/lock';
import { AppError, notFound } from '../../infra/errors';
import { stripDoc, type CatalogService } from '../catalog/service';
import { catalogAuditModel } from './model';

type OptionPatch = Partial<Pick<CatalogOption, 'name' | 'description' | 'availableOn' | 'requires' | 'requiresAny' | 'excludes' | 'includes' | 'prices'>>;

/**
 * Operator edits. Each is one optimistic, single-document write: the caller sends the version it
 * edited, the whole model is re-validated with the shared rules, and the catalog cache is
 * invalidated after the write so no buyer sees the old price once this returns.
 */
export class CatalogAdminService {
  constructor(
    private readonly conn: Connection,
    private readonly catalog: CatalogService,
    private readonly cache: ReadThroughCache,
    private readonly locks: Locks,
  ) {}

  private async change(
    opts: { modelCode: string; expectedVersion: number; actorId: string; action: 'trim.prices' | 'option.update'; target: string; note?: string },
    mutate: (model: CatalogModel) => { before: unknown; after: unknown },
  ) {
    // One writer per model at a time (see infra/lock.ts); the version check then reports real conflicts.
    return this.locks.withLock(`model:${opts.modelCode}`, () => this.changeLocked(opts, mutate));
  }

  private async changeLocked(
    opts: { modelCode: string; expectedVersion: number; actorId: string; action: 'trim.prices' | 'option.update'; target: string; note?: string },
    mutate: (model: CatalogModel) => { before: unknown; after: unknown },
  ) {
    const doc = await this.catalog.findByCode(opts.modelCode);
    if (!doc) throw notFound('车型', { code: opts.modelCode });
    if (doc.version !== opts.expectedVersion) {
      throw new AppError(409, 'VERSION_CONFLICT', '车型数据已被他人修改，请刷新后重试', { currentVersion: doc.version });
    }
    const next = structuredClone(stripDoc(doc));
    const { before, after } = mutate(next);
    const problems = validateCatalogModel(next);
    if (problems.length) throw new AppError(422, 'CATALOG_INVALID', '修改后的车型数据不合规则', { problems });

    const Audit = catalogAuditModel(this.conn);
    const audit = await Audit.create({ ...opts, fromVersion: doc.version, before, after, status: 'pending' });
    if (!(await this.catalog.replaceTrimsAndOptions(opts.modelCode, opts.expectedVersion, next))) {
      await Audit.updateOne({ _id: audit._id }, { $set: { status: 'rejected' } });
      throw new AppError(409, 'VERSION_CONFLICT', '车型数据已被他人修改，请刷新后重试');
    }
    await Audit.updateOne({ _id: audit._id }, { $set: { status: 'applied' } });
    await this.cache.invalidate();
    return this.catalog.getModel(opts.modelCode);
  }

  setTrimPrices(modelCode: string, trimCode: string, body: { expectedVersion: number; prices: PriceEntry[]; note?: string }, actorId: string) {
    return this.change(
      { modelCode, expectedVersion: body.expectedVersion, actorId, action: 'trim.prices', target: trimCode, note: body.note },
      (model) => {
        const trim = model.trims.find((t) => t.code === trimCode);
        if (!trim) throw new AppError(404, 'UNKNOWN_TRIM', `没有版本 ${trimCode}`, { trimCode });
        const before = trim.prices;
        trim.prices = body.prices;
        return { before, after: body.prices };
      },
    );
  }

  updateOption(modelCode: string, optionCode: string, body: OptionPatch & { expectedVersion: number; note?: string }, actorId: string) {
    const { expectedVersion, note, ...patch } = body;
    return this.change({ modelCode, expectedVersion, actorId, action: 'option.update', target: optionCode, note }, (model) => {
      const option = model.options.find((o) => o.code === optionCode);
      if (!option) throw new AppError(404, 'UNKNOWN_OPTION', `没有选装 ${optionCode}`, { optionCode });
      const before = Object.fromEntries(Object.keys(patch).map((k) => [k, option[k as keyof OptionPatch] ?? null]));
      Object.assign(option, patch);
      return { before, after: patch };
    });
  }

  async audit(modelCode: string | undefined, limit: number) {
    const items = await catalogAuditModel(this.conn)
      .find(modelCode ? { modelCode } : {})
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
