import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { resolveConfiguration, type ConfigError, type ResolvedConfig } from '@carmall/shared-types';
import type { ConfigurationRequest } from '@carmall/shared-types/schemas';
import { AppError, notFound } from '../../infra/errors';
import type { CatalogService } from '../catalog/service';
import { savedConfigurationModel } from './model';

/** Engine reasons → API error (status, stable code). Unknown model/trim is 404; rule violations 422. */
const ENGINE_ERRORS: Record<ConfigError['code'], [number, AppError['code']]> = {
  UNKNOWN_TRIM: [404, 'UNKNOWN_TRIM'],
  UNKNOWN_OPTION: [422, 'UNKNOWN_OPTION'],
  OPTION_NOT_AVAILABLE: [422, 'OPTION_NOT_AVAILABLE'],
  CONFLICT: [422, 'OPTION_CONFLICT'],
  REQUIREMENT_UNMET: [422, 'REQUIREMENT_UNMET'],
  GROUP_CARDINALITY: [422, 'GROUP_CARDINALITY'],
  NO_PRICE: [409, 'NO_PRICE'],
};

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Deterministic 8-character id: the same owner saving the same configuration gets the same id (retries are harmless). */
export function shortIdFor(parts: string[]): string {
  let n = BigInt('0x' + createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16));
  let id = '';
  for (let i = 0; i < 8; i++) {
    id += BASE58[Number(n % 58n)];
    n /= 58n;
  }
  return id;
}

export interface SavedDoc {
  shortId: string;
  modelCode: string;
  modelName: string;
  trimCode: string;
  trimName: string;
  config: ResolvedConfig;
  createdAt: Date;
}

export class ConfigurationService {
  constructor(
    private readonly conn: Connection,
    private readonly catalog: CatalogService,
  ) {}

  /** Validate and price a configuration. The BFF is the authority; the mini-program runs the same engine for instant feedback. */
  /** The catalog model a configuration is made of (cached; see CatalogService.getModel). */
  async catalogModel(code: string) {
    return this.catalog.getModel(code);
  }

  async price(req: ConfigurationRequest) {
    const { model, version } = await this.catalog.getModel(req.modelCode);
    const result = resolveConfiguration(model, req.trimCode, req.selections, new Date());
    if (!result.ok) {
      const [status, code] = ENGINE_ERRORS[result.error.code];
      throw new AppError(status, code, result.error.message, result.error.details);
    }
    const trim = model.trims.find((t) => t.code === req.trimCode)!;
    return { config: result.config, model, modelVersion: version, trimName: trim.name };
  }

  async save(req: ConfigurationRequest, ownerId: string | null) {
    const priced = await this.price(req);
    const { config } = priced;
    const shortId = shortIdFor([ownerId ?? 'anonymous', config.modelCode, config.trimCode, String(priced.modelVersion), ...config.explicit, '|', ...config.selected]);
    const Saved = savedConfigurationModel(this.conn);
    // Upsert on the deterministic id: a retried save neither duplicates nor re-prices the original.
    await Saved.updateOne(
      { shortId },
      {
        $setOnInsert: {
          shortId,
          modelCode: config.modelCode,
          modelName: priced.model.name,
          trimCode: config.trimCode,
          trimName: priced.trimName,
          config,
          totalFen: config.totalFen,
          modelVersion: priced.modelVersion,
          ownerId,
        },
      },
      { upsert: true },
    ).catch((err: { code?: number }) => {
      if (err.code !== 11000) throw err; // a concurrent identical save won the insert: same result
    });
    return this.get(shortId);
  }

  /** A saved configuration, with the same choices priced now so the buyer sees any change. */
  async get(shortId: string) {
    const doc = await savedConfigurationModel(this.conn).findOne({ shortId }).lean<SavedDoc>();
    if (!doc) throw notFound('配置', { shortId });
    return this.present(doc);
  }

  private async present(doc: SavedDoc) {
    let current: { valid: boolean; totalFen: number | null; reason: string | null };
    try {
      const { model } = await this.catalog.getModel(doc.modelCode);
      const now = resolveConfiguration(model, doc.trimCode, doc.config.explicit, new Date());
      current = now.ok ? { valid: true, totalFen: now.config.totalFen, reason: null } : { valid: false, totalFen: null, reason: now.error.message };
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 404) throw err;
      current = { valid: false, totalFen: null, reason: '该车型已下架' };
    }
    return {
      shortId: doc.shortId,
      modelCode: doc.modelCode,
      modelName: doc.modelName,
      trimCode: doc.trimCode,
      trimName: doc.trimName,
      config: doc.config,
      current,
      createdAt: new Date(doc.createdAt).toISOString(),
    };
  }

  async listMine(ownerId: string) {
    const docs = await savedConfigurationModel(this.conn).find({ ownerId }).sort({ createdAt: -1 }).limit(50).lean<SavedDoc[]>();
    return { items: await Promise.all(docs.map((d) => this.present(d))) };
  }

  async deleteMine(ownerId: string, shortId: string) {
    const res = await savedConfigurationModel(this.conn).deleteOne({ ownerId, shortId });
    if (res.deletedCount === 0) throw notFound('配置', { shortId });
  }
}
