import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIVAL_DISCLAIMER, formatFen } from '@carmall/shared-types';
import { RIVALS } from '../src/seed/rivals';
import { startTestApp } from './helpers';

/**
 * The competitor set (竞品) against a real BFF and database: listed with where the figures come
 * from, compared beside our trims, offered next to our models' similar cars with how ours differs,
 * and never sellable (no model page, configuration, order or stock).
 */
const t = await startTestApp('rivals');
beforeAll(() => t.seed());
afterAll(() => t.close());

describe('competitor cars', () => {
  it('are listed with their source, as-of date and the disclaimer; filtered by body type', async () => {
    const all = await t.api('/api/v1/catalog/rivals');
    expect(all.status).toBe(200);
    expect(all.body.disclaimer).toBe(RIVAL_DISCLAIMER);
    expect(all.body.items.map((r: any) => r.code).sort()).toEqual(RIVALS.map((r) => r.code).sort());
    for (const r of all.body.items) {
      expect(r.code).toMatch(/^rival-/);
      expect(r.source).toBeTruthy();
      expect(r.asOf).toMatch(/^\d{4}-\d{2}$/);
    }
    const suvs = await t.api('/api/v1/catalog/rivals?bodyType=suv');
    expect(suvs.body.items.length).toBeGreaterThan(0);
    expect(suvs.body.items.every((r: any) => r.bodyType === 'suv')).toBe(true);
    expect((await t.api('/api/v1/catalog/rivals?bodyType=truck')).status).toBe(400);
  });

  it('sit beside a model’s similar cars: same body type, price within a third, with how ours differs', async () => {
    const res = await t.api('/api/v1/catalog/models/yuanshan-s5/similar?limit=3');
    expect(res.status).toBe(200);
    const s5 = (await t.api('/api/v1/catalog/models?q=远山 S5')).body.items.find((m: any) => m.code === 'yuanshan-s5');
    expect(res.body.rivals.length).toBeGreaterThan(0);
    for (const m of res.body.rivals) {
      expect(m.rival.bodyType).toBe('suv');
      expect(Math.abs(Math.log(m.rival.priceFen / s5.startingPriceFen))).toBeLessThanOrEqual(Math.log(4 / 3) + 1e-9);
    }
    const l60 = res.body.rivals.find((m: any) => m.rival.code === 'rival-onvo-l60');
    expect(l60).toBeTruthy();
    // Ours relative to the rival: S5's starting price minus L60's, S5's range minus L60's.
    const dp = s5.startingPriceFen - l60.rival.priceFen;
    expect(l60.ours).toContainEqual({ key: 'price', delta: dp, text: `价格 ${dp > 0 ? '+' : '-'}${formatFen(Math.abs(dp))}` });
    expect(l60.ours).toContainEqual({ key: 'range', delta: s5.rangeKm - 555, text: `续航 +${s5.rangeKm - 555} km` });
    // A rival too dear for the segment is not offered.
    expect(res.body.rivals.map((m: any) => m.rival.code)).not.toContain('rival-tesla-model-y');
    // Our own similar cars are still only ours.
    expect(res.body.items.every((i: any) => !i.model.code.startsWith('rival-'))).toBe(true);
  });

  it('the seed’s example: a buyer with a ¥200,000 budget looking at SUVs is recommended our SUVs, each beside its closest rival', async () => {
    const { token } = await t.login('oRivalBudget');
    await t.api('/api/v1/catalog/models/yuanshan-s5', { token });
    const put = await t.api('/api/v1/me/recommendations/preferences', { method: 'PUT', token, json: { bodyTypes: ['suv'], maxPriceFen: 20_000_000 } });
    expect(put.status).toBe(200);
    const recs = await t.api('/api/v1/me/recommendations?limit=10', { token });
    expect(recs.status).toBe(200);
    expect(recs.body.items.length).toBeGreaterThan(0);
    const withRival = recs.body.items.filter((i: any) => i.rival);
    expect(withRival.length).toBeGreaterThan(0);
    for (const i of recs.body.items) {
      expect(i.model.bodyType).toBe('suv');
      expect(i.model.startingPriceFen).toBeLessThanOrEqual(20_000_000);
      expect(i.model.code.startsWith('rival-')).toBe(false); // rivals are never recommended as ours
      if (!i.rival) continue;
      expect(i.rival.rival.bodyType).toBe('suv');
      expect(Math.abs(Math.log(i.rival.rival.priceFen / i.model.startingPriceFen))).toBeLessThanOrEqual(Math.log(4 / 3) + 1e-9);
      const dp = i.model.startingPriceFen - i.rival.rival.priceFen;
      expect(i.rival.ours.find((d: any) => d.key === 'price')?.delta ?? 0).toBe(dp);
    }
  });

  it('are compared beside our trims, labelled, with the disclaimer; unknown ones are 404', async () => {
    const res = await t.api('/api/v1/catalog/compare?trims=yuanshan-s5:S5_520_RWD,rival:rival-onvo-l60');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.trims[0]).toMatchObject({ modelCode: 'yuanshan-s5', trimCode: 'S5_520_RWD' });
    expect(res.body.trims[0].rival).toBeUndefined();
    expect(res.body.trims[1]).toMatchObject({ modelCode: 'rival-onvo-l60', modelName: '乐道 L60', rival: { brand: '乐道', asOf: '2024-09' } });
    expect(res.body.disclaimer).toBe(RIVAL_DISCLAIMER);
    const row = (key: string) => res.body.rows.find((r: any) => r.key === key);
    expect(row('price').display[1]).toBe('¥206,900');
    expect(row('rangeKm')).toMatchObject({ values: [520, 555], differs: true });
    // Not published: shown as —, not made up, and not marked as a difference.
    expect(row('powerKw').display[1]).toBe('—');
    expect(row('powerKw').differs).toBe(false);
    const ours = await t.api('/api/v1/catalog/compare?trims=yuanshan-s5:S5_520_RWD,yuanshan-s5:S5_620_RWD');
    expect(ours.body.disclaimer).toBeNull();
    const unknown = await t.api('/api/v1/catalog/compare?trims=yuanshan-s5:S5_520_RWD,rival:rival-nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('can never be sold: no model page, configuration, order or catalog listing', async () => {
    const buyer = await t.login('oRivalBuyer');
    expect((await t.api('/api/v1/catalog/models/rival-onvo-l60')).status).toBe(404);
    const list = await t.api('/api/v1/catalog/models?pageSize=50');
    expect(list.body.items.some((m: any) => m.code.startsWith('rival-'))).toBe(false);
    const config = await t.api('/api/v1/configurations', { method: 'POST', token: buyer.token, json: { modelCode: 'rival-onvo-l60', trimCode: 'rival-onvo-l60', selections: [] } });
    expect(config.status).toBe(404);
    const order = await t.api('/api/v1/orders', {
      method: 'POST',
      token: buyer.token,
      headers: { 'idempotency-key': randomUUID() },
      json: { modelCode: 'rival-onvo-l60', trimCode: 'rival-onvo-l60', selections: [] },
    });
    expect(order.status).toBe(404);
    expect(await t.conn.collection('orders').countDocuments({ modelCode: 'rival-onvo-l60' })).toBe(0);
  });
});
