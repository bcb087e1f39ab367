/**
 * Fleet load for maintenance reminders: `pnpm --filter @carmall/bff bench:reminders [N] [--workers K] [--max-minutes M]`
 * (default N = 100000, K = 1; needs MONGODB_URI and REDIS_URL, e.g. the test servers).
 *
 * Builds a synthetic fleet in a throwaway database (N owners, one car each, all coming due; 80% opted
 * in on WeChat and in our ledger), starts K worker processes (`src/worker.ts`, as in production)
 * against the local WeChat simulator, triggers one due-service scan and waits until every reminder
 * is settled. Prints scan and delivery throughput, outcome counts and each worker's peak memory
 * (VmHWM). Then runs the scan again and checks nothing is sent twice. Cleans up after itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { addDays, shanghaiDate } from '@carmall/shared-types';
import { startWechatSimulator } from '@carmall/simulators';
import { withDatabase } from '../src/infra/mongo';
import { REMINDER_QUEUE } from '../src/jobs/reminder-jobs';

const { MONGODB_URI, REDIS_URL } = process.env;
if (!MONGODB_URI || !REDIS_URL) throw new Error('MONGODB_URI and REDIS_URL are required');
const args = process.argv.slice(2);
const wi = args.indexOf('--workers');
const K = Math.min(8, Math.max(1, wi >= 0 ? Number(args[wi + 1]) || 1 : 1));
const mi = args.indexOf('--max-minutes');
const N = Number(args.find((a, i) => /^\d+$/.test(a) && (wi < 0 || i !== wi + 1) && (mi < 0 || i !== mi + 1)) ?? 100_000);
// A time box: stop after this long and print what was measured so far (a big fleet on FerretDB takes hours).
const MAX_MS = mi >= 0 ? Number(args[mi + 1]) * 60_000 : Infinity;
const RATE = Number(process.env.REMINDER_SEND_RATE_PER_SECOND ?? 10_000);
const TEMPLATE = 'Mnt0Rmd_DevTemplate_000000000000000000000A';
const APPID = 'wx00000000000000be';
const SECRET = 'bench-secret';
const tag = `bench_rem_${randomBytes(3).toString('hex')}`;
const prefix = `${tag}:`;
const dbUri = withDatabase(MONGODB_URI, tag);

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const procStatus = (pid: number, field: string) => Number(/(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? 0);

const sim = await startWechatSimulator({ appId: APPID, secret: SECRET });
const conn = await mongoose.createConnection(dbUri).asPromise();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const queue = new Queue(REMINDER_QUEUE, { connection: redis, prefix: `${prefix}bull` });
const workers: ChildProcess[] = [];
// Never leave worker processes behind, whatever stops this script.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { for (const w of workers) w.kill('SIGTERM'); process.exit(130); });
process.once('exit', () => { for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL'); });
const STALL_MS = 120_000;

try {
  // 1. The fleet.
  let t0 = Date.now();
  const today = shanghaiDate(new Date());
  const oids = Array.from({ length: N }, () => new mongoose.Types.ObjectId());
  for (let i = 0; i < N; i += 2000) {
    const ids = oids.slice(i, i + 2000);
    await conn.collection('users').insertMany(ids.map((_id, j) => ({ _id, wechatOpenId: `oFleet${i + j}`, roles: ['buyer'], lastLoginAt: new Date() })));
    await conn.collection('vehicles').insertMany(
      ids.map((_id, j) => ({
        vin: `LFLEET${String(i + j).padStart(11, '0')}`,
        ownerId: String(_id),
        modelCode: 'yuanshan-s5',
        modelName: '远山 S5',
        energyType: 'bev',
        deliveredAt: new Date(Date.now() - 355 * 86_400_000),
        odometerAtDeliveryKm: 0,
        lastService: null,
        summary: { serviceDueDate: addDays(today, (i + j) % 14), serviceStatus: 'due_soon', batterySohPct: 95, tyreTreadMm: 6, odometerKm: 12_000, computedAt: new Date() },
      })),
    );
    const opted = ids.map((_id, j) => ({ _id, n: i + j })).filter((x) => x.n % 5 !== 0);
    if (opted.length) await conn.collection('subscription_credits').insertMany(opted.map((x) => ({ _id: `${x._id}:${TEMPLATE}:bench` as never, userId: String(x._id), templateId: TEMPLATE, grantedAt: new Date() })));
    await fetch(`${sim.url}/__sim/wechat/subscribe`, { method: 'POST', body: JSON.stringify({ openids: opted.map((x) => `oFleet${x.n}`), templateId: TEMPLATE }) });
  }
  await conn.collection('vehicles').createIndex({ 'summary.serviceDueDate': 1 });
  await conn.collection('vehicles').createIndex({ ownerId: 1 });
  await conn.collection('subscription_credits').createIndex({ userId: 1, templateId: 1 });
  console.log(`fleet: ${N} owners and cars written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // 2. Workers, as their own processes.
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    MONGODB_URI: dbUri,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    WECHAT_APPID: APPID,
    WECHAT_SECRET: SECRET,
    WECHAT_API_BASE: sim.url,
    WECHAT_TEMPLATE_MAINTENANCE: TEMPLATE,
    REMINDER_SCAN_EVERY_MS: '0',
    REMINDER_SEND_RATE_PER_SECOND: String(RATE),
    REMINDER_CONCURRENCY: process.env.REMINDER_CONCURRENCY ?? '20',
  };
  for (let k = 0; k < K; k++) workers.push(spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env, stdio: ['ignore', 'inherit', 'inherit'] }));
  await new Promise((r) => setTimeout(r, 3000));
  const baseRss = workers.map((w) => procStatus(w.pid!, 'VmRSS:'));

  // 3. One scan enqueues a reminder per car; the workers deliver them.
  t0 = Date.now();
  await queue.add('scan', {}, { jobId: 'scan-bench-1' });
  let enqueuedAt = 0;
  let last = '';
  let progressAt = Date.now();
  let settledBefore = -1;
  const window: { at: number; settled: number }[] = [];
  let partial: number | null = null;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    if (workers.some((w) => w.exitCode !== null)) throw new Error('a worker process exited');
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children');
    if (c.completed + c.failed !== settledBefore) {
      settledBefore = c.completed + c.failed;
      progressAt = Date.now();
    } else if (Date.now() - progressAt > STALL_MS) throw new Error(`no progress for ${STALL_MS / 1000} s: ${JSON.stringify(c)}`);
    const scanDone = (await queue.getJob('scan-bench-1'))?.finishedOn;
    if (scanDone && !enqueuedAt) enqueuedAt = scanDone;
    const elapsed = Date.now() - t0;
    const line = `  t+${Math.round(elapsed / 1000)}s completed ${c.completed} failed ${c.failed} waiting ${c.waiting} active ${c.active} delayed ${c.delayed}`;
    if (line !== last && elapsed % 10_000 < 1000) {
      // Delivery rate over the last minute and the workers' memory so far, so a long run shows its trend.
      window.push({ at: Date.now(), settled: c.completed + c.failed });
      while (window.length > 1 && window[0].at < Date.now() - 60_000) window.shift();
      const rate = window.length > 1 ? ((window.at(-1)!.settled - window[0].settled) * 1000) / (window.at(-1)!.at - window[0].at) : 0;
      console.log(`${line}  (${rate.toFixed(1)}/s over the last minute; worker peak ${workers.map((w) => mb(procStatus(w.pid!, 'VmHWM:'))).join(', ')})`);
    }
    last = line;
    if (enqueuedAt && c.waiting + c.active + c.delayed + (c.prioritized ?? 0) === 0 && c.completed + c.failed >= N + 1) break;
    if (elapsed > MAX_MS) {
      partial = 0; // counted from the outcomes below, once the workers have stopped
      break;
    }
  }
  const doneAt = Date.now();
  const peaks = workers.map((w) => procStatus(w.pid!, 'VmHWM:'));
  if (partial !== null) {
    // Let the workers finish the sends in flight (SIGTERM is graceful) so the counts below are settled.
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
  }
  // Outcomes: successes are result documents, failures delivery records (a sent delivery's record stays 'sending').
  const byStatus: Record<string, number> = {};
  for (const coll of ['reminder_delivery_results', 'reminder_deliveries'])
    for (const r of await conn.collection(coll).aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray())
      if (r._id !== 'sending' && r._id !== 'retrying') byStatus[r._id] = (byStatus[r._id] ?? 0) + r.n;
  if (partial !== null) partial = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const stats = (await (await fetch(`${sim.url}/__sim/wechat/message-stats`)).json()) as { delivered: number; tokensIssued: number };
  const scanS = (enqueuedAt - t0) / 1000;
  const totalS = (doneAt - t0) / 1000;
  if (enqueuedAt) console.log(`scan: ${N} reminders enqueued in ${scanS.toFixed(1)} s (${Math.round(N / scanS)}/s)`);
  else console.log('scan: still enqueuing when the time box ended');
  if (partial === null) console.log(`delivery: all settled ${totalS.toFixed(1)} s after the scan started: ${Math.round(N / totalS)} reminders/s end to end with ${K} worker process(es), limiter ${RATE}/s`);
  else console.log(`delivery (time box of ${MAX_MS / 60_000} min): ${partial} of ${N} settled in ${totalS.toFixed(1)} s: ${(partial / totalS).toFixed(1)} reminders/s end to end with ${K} worker process(es), limiter ${RATE}/s`);
  console.log(`outcomes: ${JSON.stringify(byStatus)}; WeChat simulator delivered ${stats.delivered}, access tokens issued ${stats.tokensIssued}`);
  console.log(`worker memory: ${workers.map((_, k) => `#${k + 1} peak ${mb(peaks[k])} (idle ${mb(baseRss[k])})`).join(', ')}`);
  if (partial !== null) {
    // Stopped early: no second scan (the first one's work is still queued); the counts must still agree.
    if (stats.delivered !== (byStatus.sent ?? 0)) process.exitCode = 1;
    console.log(`consistency: WeChat deliveries ${stats.delivered}, sent records ${byStatus.sent ?? 0} -> ${stats.delivered === (byStatus.sent ?? 0) ? 'agree' : 'DISAGREE'}`);
  } else {

    // 4. The scheduler runs again: nothing new goes out.
    await queue.add('scan', {}, { jobId: 'scan-bench-2' });
    await new Promise((r) => setTimeout(r, 5000));
    for (;;) {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed');
      if (c.waiting + c.active + c.delayed === 0 && (await queue.getJob('scan-bench-2'))?.finishedOn) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const after = (await (await fetch(`${sim.url}/__sim/wechat/message-stats`)).json()) as { delivered: number };
    console.log(`second scan: WeChat deliveries ${after.delivered} (before ${stats.delivered}) -> ${after.delivered === stats.delivered ? 'no duplicates' : 'DUPLICATES'}`);
    if (after.delivered !== stats.delivered || stats.delivered !== byStatus.sent) process.exitCode = 1;
  }
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
  redis.disconnect();
  await sim.close();
}
