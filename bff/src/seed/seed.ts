import type { Connection } from 'mongoose';
import { isRivalCode, validateCatalogModel, type CatalogModel, type RivalCar } from '@carmall/shared-types';
import { carModelModel } from '../modules/catalog/model';
import { stockKey, stockModel } from '../modules/inventory/model';
import { derivedFields } from '../modules/catalog/service';
import { LINEUP } from './lineup';
import { RIVALS } from './rivals';
import { RivalService } from '../modules/rivals/service';

/** Bump when the demo lineup changes so `pnpm start` reseeds an old local database. */
export const SEED_VERSION = 3;
export const DEMO_STOCK_PER_VARIANT = 20;

/**
 * Load the demo lineup. Idempotent: models are upserted by code, and a marker document records
 * the seed so `pnpm start` seeds only once (unless forced or the seed version changed).
 */
export async function seedDemoData(conn: Connection, opts: { force?: boolean; at?: Date; lineup?: CatalogModel[]; rivals?: RivalCar[] } = {}) {
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
  // Cars to sell: every trim in every paint it offers.
  const stock = lineup.flatMap((m) =>
    m.trims.flatMap((t) =>
      m.options
        .filter((o) => o.group === 'paint' && o.availableOn.includes(t.code))
        .map((o) => ({ modelCode: m.code, trimCode: t.code, paintCode: o.code })),
    ),
  );
  const Stock = stockModel(conn);
  await Stock.init();
  // Only an empty stock collection is filled (one bulk insert): a reseed never resets live stock.
  if ((await Stock.estimatedDocumentCount()) === 0) {
    await Stock.insertMany(
      stock.map((s) => ({ ...s, key: stockKey(s.modelCode, s.trimCode, s.paintCode), region: 'national', total: DEMO_STOCK_PER_VARIANT })),
    );
  }
  // The competitor set (shown for comparison, never sold; codes that can never be ours).
  const rivals = opts.rivals ?? RIVALS;
  const badRivals = rivals.filter((r) => !isRivalCode(r.code)).map((r) => r.code);
  if (badRivals.length) throw new Error(`competitor codes must start with rival-: ${badRivals.join(', ')}`);
  await new RivalService(conn).upsertAll(rivals);
  await meta.updateOne({ _id: 'demo-seed' }, { $set: { version: SEED_VERSION, at: new Date() } }, { upsert: true });
  return { seeded: true, models: lineup.length };
}
