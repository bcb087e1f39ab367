/**
 * Offline evaluation of the recommender (the logic is shared-types/src/recommend/evaluate.ts):
 *
 *   pnpm --filter @carmall/bff reco:eval --synthetic --seed 7 --users 5000 [--items 80] [--k 10] [--split global|user] [--test-fraction 0.2] [--write events.csv]
 *   pnpm --filter @carmall/bff reco:eval events.csv [--k 10] [--split global|user]
 *
 * The CSV is `user,item,rating|event,timestamp` (header optional; rating numeric or one of
 * view|configure|compare|test_drive|quote|order; timestamp epoch seconds/ms or ISO 8601). A CSV
 * brings no catalog features, so it is scored by CF alone; the synthetic set has features.
 * Prints precision@k, recall@k, coverage for the recommender and the popularity baseline, the
 * training time and the peak memory (RSS sampled during the run, and the OS's max RSS).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resourceUsage } from 'node:process';
import { evaluate, formatReport, parseInteractionsCsv, syntheticDataset, toCsv, CsvError, type ItemFeatures, type SplitMode } from '@carmall/shared-types';

function usage(message: string): never {
  console.error(`reco:eval: ${message}\nusage: reco:eval (<events.csv> | --synthetic --seed N --users U [--items I]) [--k 10] [--split global|user] [--test-fraction 0.2] [--write out.csv]`);
  process.exit(64);
}

const args = process.argv.slice(2).filter((a) => a !== '--');
const flags = new Map<string, string>();
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--synthetic') flags.set('synthetic', 'true');
  else if (a.startsWith('--')) {
    if (i + 1 >= args.length) usage(`${a} needs a value`);
    flags.set(a.slice(2), args[++i]);
  } else files.push(a);
}
const int = (name: string, def: number, min = 1) => {
  const v = flags.has(name) ? Number(flags.get(name)) : def;
  if (!Number.isInteger(v) || v < min) usage(`--${name} must be an integer >= ${min}`);
  return v;
};
const split = (flags.get('split') ?? 'global') as SplitMode;
if (split !== 'global' && split !== 'user') usage('--split must be global or user');
const testFraction = Number(flags.get('test-fraction') ?? 0.2);
if (!(testFraction > 0 && testFraction < 1)) usage('--test-fraction must be between 0 and 1');
const k = int('k', 10);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

let interactions;
let items: ItemFeatures[] | undefined;
let source: string;
if (flags.has('synthetic')) {
  const seed = int('seed', 1, 0);
  const users = int('users', 1000);
  const data = syntheticDataset({ seed, users, items: int('items', 80) });
  interactions = data.interactions;
  items = data.items;
  source = `synthetic (seed ${seed}, ${users} users, ${data.items.length} items)`;
  if (flags.has('write')) writeFileSync(flags.get('write')!, toCsv(interactions));
} else {
  if (files.length !== 1) usage('give one CSV file or --synthetic');
  try {
    interactions = parseInteractionsCsv(readFileSync(files[0], 'utf8'));
  } catch (err) {
    if (err instanceof CsvError || (err as NodeJS.ErrnoException).code === 'ENOENT') usage((err as Error).message);
    throw err;
  }
  source = files[0];
}
if (interactions.length === 0) usage('no events');

const heapBefore = process.memoryUsage().heapUsed;
const report = evaluate(interactions, { k, split, testFraction, items, now: () => performance.now() });
peakRss = Math.max(peakRss, process.memoryUsage().rss);
clearInterval(sampler);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
console.log(`source: ${source}; test fraction ${testFraction}`);
console.log(formatReport(report));
console.log(`memory: peak RSS ${mb(peakRss)} (sampled), max RSS ${mb(resourceUsage().maxRSS * 1024)} (OS), heap growth during evaluation ${mb(Math.max(0, process.memoryUsage().heapUsed - heapBefore))}`);
