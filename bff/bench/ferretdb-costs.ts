/**
 * What one MongoDB operation costs on the test server (FerretDB 1.x, PostgreSQL or SQLite backend,
 * or a real MongoDB) as a collection grows — why the reminder workers' send path uses only _id
 * lookups and inserts:
 *   bash scripts/bench.sh ferretdb-costs [N=20000]                                  (PostgreSQL backend)
 *   CARMALL_FERRETDB_BACKEND=sqlite bash scripts/bench.sh ferretdb-costs [N=20000]  (SQLite backend)
 *   cd bff && MONGODB_URI=mongodb://127.0.0.1:27777 npx tsx bench/ferretdb-costs.ts [N=20000]
 * Writes N documents into a throwaway database, times 50 of each operation, drops the database.
 * Every operation's documents are spread evenly over the whole collection (insertion order), and
 * one row uses only the last 10%: a backend that scans stops early for documents written first,
 * so the late ones show the real cost. Each operation is checked to hit exactly one document.
 */
import mongoose from 'mongoose';
import { withDatabase } from '../src/infra/mongo';

const { MONGODB_URI } = process.env;
if (!MONGODB_URI) throw new Error('MONGODB_URI is required');
const N = Number(process.argv[2] ?? 20_000);
const OPS = 50;
if (!Number.isInteger(N) || N < 4 * OPS) throw new Error(`N must be an integer >= ${4 * OPS}`);
const conn = await mongoose.createConnection(withDatabase(MONGODB_URI, `ferretdb_costs_${Date.now()}`)).asPromise();
const c = conn.collection<{ _id: string; userId: string; other: string; s?: number }>('docs');

/** OPS document numbers evenly over [from, to), shifted by `phase` (0..1) of a stride: different
 * phases give disjoint sets, so updates and deletes never touch a document timed before. */
const spread = (from: number, to: number, phase: number) => {
  const stride = (to - from) / OPS;
  return Array.from({ length: OPS }, (_, i) => from + Math.floor((i + phase) * stride));
};
const all = (phase: number) => spread(0, N, phase);
const late = (phase: number) => spread(Math.floor(N * 0.9), N, phase);

try {
  const build = (await conn.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
  for (let i = 0; i < N; i += 2000) await c.insertMany(Array.from({ length: Math.min(2000, N - i) }, (_, j) => ({ _id: `k${i + j}`, userId: `u${i + j}`, other: `o${i + j}` })));
  await c.createIndex({ userId: 1 });
  const time = async (label: string, docs: number[], f: (n: number) => Promise<boolean>) => {
    const t = performance.now();
    for (const n of docs) if (!(await f(n))) throw new Error(`${label}: document ${n} was not found`);
    const ms = (performance.now() - t) / docs.length;
    console.log(`${label.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms   (docs ${docs[0]}..${docs.at(-1)})`);
  };
  console.log(`${N} documents, ${OPS} of each operation, ${build.ferretdbVersion ? `FerretDB ${build.ferretdbVersion}` : `MongoDB ${build.version}`}:`);
  await time('findOne by _id (whole collection)', all(0), async (n) => (await c.findOne({ _id: `k${n}` })) !== null);
  await time('findOne by indexed field (whole collection)', all(0.1), async (n) => (await c.findOne({ userId: `u${n}` })) !== null);
  await time('findOne by indexed field (last 10%)', late(0.2), async (n) => (await c.findOne({ userId: `u${n}` })) !== null);
  await time('findOne by unindexed field (whole collection)', all(0.3), async (n) => (await c.findOne({ other: `o${n}` })) !== null);
  await time('insertOne', all(0), async (n) => (await c.insertOne({ _id: `new${n}`, userId: 'x', other: 'y' })).acknowledged);
  await time('updateOne by _id (whole collection)', all(0.5), async (n) => (await c.updateOne({ _id: `k${n}` }, { $set: { s: 1 } })).matchedCount === 1);
  await time('deleteOne by _id (whole collection)', all(0.7), async (n) => (await c.deleteOne({ _id: `k${n}` })).deletedCount === 1);
} finally {
  await conn.dropDatabase();
  await conn.close();
}
