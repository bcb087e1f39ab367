import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers';

// A tiny H5 build: a hashed chunk with its pre-compressed copies (as scripts/compress-h5.mjs writes them) and index.html.
const dir = mkdtempSync(join(tmpdir(), 'carmall-h5-'));
mkdirSync(join(dir, 'js'));
const js = `console.log(${JSON.stringify('远山'.repeat(400))});`;
writeFileSync(join(dir, 'js', 'app.1a2b3c4d.js'), js);
writeFileSync(join(dir, 'js', 'app.1a2b3c4d.js.br'), brotliCompressSync(js));
writeFileSync(join(dir, 'js', 'app.1a2b3c4d.js.gz'), gzipSync(js));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>车商城</title><script src="/js/app.1a2b3c4d.js"></script>');

const t = await startTestApp('static_h5', { STATIC_H5_DIR: dir });
afterAll(() => t.close());

const get = (path: string, encoding: string) => fetch(`${t.url}${path}`, { headers: { 'accept-encoding': encoding } });

describe('H5 build', () => {
  it('sends the pre-compressed copy the browser accepts, and caches hashed files for a year', async () => {
    const br = await get('/js/app.1a2b3c4d.js', 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toContain('javascript');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('vary')).toContain('Accept-Encoding');
    expect(await br.text()).toBe(js);
    const gz = await get('/js/app.1a2b3c4d.js', 'gzip');
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(await gz.text()).toBe(js);
    const plain = await get('/js/app.1a2b3c4d.js', 'identity');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(js);
  });

  it('revalidates index.html on every load, so a release shows at once', async () => {
    const res = await get('/', 'gzip, br');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('车商城');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });
});
