import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BODY_TYPES } from '@carmall/shared-types';
import { CAR_MODELS_DIR } from '../src/modules/media/models';
import { startTestApp } from './helpers';

const t = await startTestApp('media_car_models');
afterAll(() => t.close());

const get = (p: string, headers: Record<string, string> = {}) => fetch(t.url + p, { headers });

describe('GET /media/car-models/:bodyType.glb', () => {
  it.each(BODY_TYPES)('serves %s.glb as glTF binary with caching headers', async (bodyType) => {
    const res = await get(`/media/car-models/${bodyType}.glb`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('model/gltf-binary');
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(readFileSync(path.join(CAR_MODELS_DIR, `${bodyType}.glb`)))).toBe(true);
    expect(body.readUInt32LE(0)).toBe(0x46546c67); // 'glTF'
    expect(body.length).toBeLessThan(300 * 1024);
  });

  it('answers 304 to a matching If-None-Match and 200 to a stale one', async () => {
    const first = await get('/media/car-models/suv.glb');
    const etag = first.headers.get('etag')!;
    const again = await get('/media/car-models/suv.glb', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    const stale = await get('/media/car-models/suv.glb', { 'if-none-match': '"something-else"' });
    expect(stale.status).toBe(200);
  });

  it('is 404 with the error shape for unknown body types and odd names', async () => {
    for (const p of ['/media/car-models/truck.glb', '/media/car-models/suv.gltf', '/media/car-models/..%2Fpackage.json', '/media/car-models/SUV.glb']) {
      const res = await t.api(p);
      expect(res.status, p).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
  });
});
