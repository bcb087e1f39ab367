import type { Connection } from 'mongoose';
import { validateCatalogModel, type CatalogModel } from '@carmall/shared-types';
import { carModelModel } from '../modules/catalog/model';
import { derivedFields } from '../modules/catalog/service';
import { LINEUP } from './lineup';

/** Bump when the demo lineup changes so `pnpm start` reseeds an old local database. */
export const SEED_VERSION = 1;

/**
 * Load the demo lineup. Idempotent: models are upserted by code, and a marker document records
 * the seed so `pnpm start` seeds only once (unless forced or the seed version changed).
 */
export async function seedDemoData(conn: Connection, opts: { force?: boolean; at?: Date; lineup?: CatalogModel[] } = {}) {
  const meta = conn.collection<{ _id: string; version: number; at: Date }>('meta');
  const marker = await meta.findOne({ _id: 'demo-seed' });
  if (marker && marker.version === SEED_VERSION && !opts.force) return { seeded: false, models: 0 };

  const lineup = opts.lineup ?? LINEUP;
  const problems = lineup.flatMap((m) => validateCatalogModel(m).map((p) => `${m.code}: ${p}`));
  if (problems.length) throw new Error(`demo lineup is invalid:\n${problems.join('\n')}`);

  const Models = carModelModel(conn);
  await Models.init(); // make sure the unique index on code exists before upserting
  const at = opts.at ?? new Date();
  await Models.bulkWrite(
    lineup.map((m, i) => ({
      updateOne: {
        filter: { code: m.code },
        update: { $set: { ...m, ...derivedFields(m, at), rank: i + 1 }, $inc: { version: 1 } },
        upsert: true,
      },
    })),
  );
  await meta.updateOne({ _id: 'demo-seed' }, { $set: { version: SEED_VERSION, at: new Date() } }, { upsert: true });
  return { seeded: true, models: lineup.length };
}
