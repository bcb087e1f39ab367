/**
 * `MONGODB_URI=… REDIS_URL=… pnpm --filter @carmall/bff bench:advisors`: load figures of the share
 * endpoints on a real BFF (FerretDB + Redis + WeChat simulator, as the tests start them): the share
 * card, a visit (repeat of the same device: the dedup path), the poster from the cache, and a
 * poster drawn fresh (new content each time, WeChat code from Redis). Bounded: 3 s per endpoint on
 * loopback. Prints figures; no targets (the machine is shared, figures are indicative).
 */
import autocannon from 'autocannon';
import { DEMO_ADVISORS, seedDemoAdvisors } from '../src/seed/advisors';
import { PiiCipher, parseKeyring } from '../src/infra/crypto';
import { startTestApp } from '../test/helpers';

const t = await startTestApp('bench_advisors');
try {
  await t.seed();
  const [advisorId] = await seedDemoAdvisors(t.conn, new PiiCipher(parseKeyring(t.config.PII_KEYS, t.config.PII_ACTIVE_KEY), t.config.PII_BLIND_INDEX_KEY));
  // The demo advisor signs in as on H5: SMS code from the simulator.
  await t.api('/api/v1/auth/sms/send', { method: 'POST', json: { phone: DEMO_ADVISORS[0].phone } });
  const login = await t.api('/api/v1/auth/sms/login', { method: 'POST', json: { phone: DEMO_ADVISORS[0].phone, code: await t.smsCode(DEMO_ADVISORS[0].phone) } });
  const advisor = { token: login.body.accessToken as string };
  const saved = await t.api('/api/v1/configurations/saved', { method: 'POST', json: { modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD', selections: [] } });
  const share = await t.api('/api/v1/shares', { method: 'POST', token: advisor.token, json: { kind: 'configuration', configurationId: saved.body.shortId } });
  if (share.status !== 201) throw new Error(`share: ${share.status} ${JSON.stringify(share.body)}`);
  const id = share.body.shareId as string;
  await fetch(`${t.url}/api/v1/shares/${id}/poster.png`); // warm: code + poster cached

  const run = async (name: string, opts: autocannon.Options) => {
    const r = await autocannon({ connections: 10, duration: 3, ...opts });
    console.log(`${name}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}`);
  };
  await run('GET /shares/:id (card)', { url: `${t.url}/api/v1/shares/${id}` });
  await run('POST /shares/:id/visits (same device again)', {
    url: `${t.url}/api/v1/shares/${id}/visits`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitorId: 'benchVisitor0000000001' }),
  });
  await run('GET /shares/:id/poster.png (cached)', { url: `${t.url}/api/v1/shares/${id}/poster.png` });
  // Fresh posters: a new display name each time changes the content hash (the code stays cached).
  let n = 0;
  const fresh: number[] = [];
  for (let i = 0; i < 10; i++) {
    await t.conn.collection('advisor_profiles').updateOne({ _id: advisorId as never }, { $set: { displayName: `顾问${++n}` } });
    const t0 = performance.now();
    const res = await fetch(`${t.url}/api/v1/shares/${id}/poster.png`);
    await res.arrayBuffer();
    fresh.push(performance.now() - t0);
  }
  fresh.sort((a, b) => a - b);
  const calls = ((await (await fetch(`${t.wechat.url}/__sim/wechat/wxacode`)).json()) as { calls: unknown[] }).calls.length;
  console.log(`poster drawn fresh (10 sequential): median ${fresh[5].toFixed(0)} ms, max ${fresh[9].toFixed(0)} ms; WeChat code requests in the whole run: ${calls}`);
} finally {
  await t.close();
}
