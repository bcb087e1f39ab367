import { describe, expect, it } from 'vitest';
import { modelListQuerySchema, wechatLoginBodySchema } from '../src/schemas';

describe('modelListQuerySchema', () => {
  it('parses filters from query strings', () => {
    const q = modelListQuerySchema.parse({ bodyType: 'suv,mpv', energyType: 'bev', maxPriceFen: '30000000', page: '2' });
    expect(q).toMatchObject({ bodyType: ['suv', 'mpv'], energyType: ['bev'], maxPriceFen: 30_000_000, page: 2, pageSize: 20, sort: 'price_asc' });
  });
  it('rejects unknown values, bad numbers, unknown keys and inverted ranges', () => {
    expect(modelListQuerySchema.safeParse({ bodyType: 'truck' }).success).toBe(false);
    expect(modelListQuerySchema.safeParse({ page: '0' }).success).toBe(false);
    expect(modelListQuerySchema.safeParse({ pageSize: '51' }).success).toBe(false);
    expect(modelListQuerySchema.safeParse({ page: '1.5' }).success).toBe(false);
    expect(modelListQuerySchema.safeParse({ colour: 'red' }).success).toBe(false);
    expect(modelListQuerySchema.safeParse({ minPriceFen: '200', maxPriceFen: '100' }).success).toBe(false);
  });
});

describe('wechatLoginBodySchema', () => {
  it('requires a code', () => {
    expect(wechatLoginBodySchema.safeParse({}).success).toBe(false);
    expect(wechatLoginBodySchema.safeParse({ code: '  ' }).success).toBe(false);
    expect(wechatLoginBodySchema.parse({ code: 'abc' })).toEqual({ code: 'abc' });
  });
});
