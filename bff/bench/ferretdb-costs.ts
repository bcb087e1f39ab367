/**
 * What one MongoDB operation costs on the test server (FerretDB 1.x on SQLite) as a collection
 * grows — why the reminder workers' send path uses only _id lookups and inserts:
 *   cd bff && MONGODB_URI=mongodb://127.0.0.1:27777 npx tsx bench/ferretdb-costs.ts [N=20000]
 * Writes N documents into a throwaway database, times 50 of each operation, drops the database.
 */
import mongoose from 'mongoose';
import { withDatabase } from '../src/infra/mongo';

const { MONGODB_URI } = process.env;
if (!MONGODB_URI) throw new Error('MONGODB_URI is required');
const N = Number(process.argv[2] ?? 20_000);
const conn = await mongoose.createConnection(withDatabase(MONGODB_URI, `ferretdb_costs_${Date.now()}`)).asPromise();
const c = conn.collection<{ _id: string; userId: string; other: string; s?: number }>('docs');
try {
  for (let i = 0; i < N; i += 2000) await c.insertMany(Array.from({ length: Math.min(2000, N - i) }, (_, j) => ({ _id: `k${i + j}`, userId: `u${i + j}`, other: `o${i + j}` })));
  await c.createIndex({ userId: 1 });
  const time = async (label: string, f: (i: number) => Promise<unknown>) => {
    const t = performance.now();
    for (let i = 0; i < 50; i++) await f((i * 37) % N);
    console.log(`${label.padEnd(34)} ${((performance.now() - t) / 50).toFixed(1).padStart(7)} ms`);
  };
  console.log(`${N} documents:`);
  await time('findOne by _id', (i) => c.findOne({ _id: `k${i}` }));
  await time('findOne by indexed field', (i) => c.findOne({ userId: `u${i}` }));
  await time('findOne by unindexed field', (i) => c.findOne({ other: `o${i}` }));
  await time('insertOne', (i) => c.insertOne({ _id: `new${i}`, userId: 'x', other: 'y' }));
  await time('updateOne by _id', (i) => c.updateOne({ _id: `k${i}` }, { $set: { s: 1 } }));
  await time('deleteOne by _id', (i) => c.deleteOne({ _id: `k${i + 1}` }));
} finally {
  await conn.dropDatabase();
  await conn.close();
}
