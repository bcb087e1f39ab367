import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers';

// Short timeouts so a stalled request is cut while the test waits (Node's own defaults are 60 s / 300 s).
const t = await startTestApp('http_edges', { HTTP_HEADERS_TIMEOUT_MS: '800', HTTP_REQUEST_TIMEOUT_MS: '1200' });
afterAll(() => t.close());

/** Write raw bytes to the BFF and collect everything it answers until it closes the connection. */
function raw(bytes: string): Promise<string> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname);
    let out = '';
    sock.setEncoding('utf8');
    sock.on('data', (d) => (out += d));
    sock.on('end', () => resolve(out));
    sock.on('close', () => resolve(out));
    sock.on('error', reject);
    sock.write(bytes);
  });
}

/** fetch() refuses TRACE: node's http client sends any method. */
function send(method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(t.url + path, { method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP edges', () => {
  it('an unsupported method on an API path is a 405 in the error envelope, with Allow', async () => {
    for (const method of ['TRACE', 'PATCH']) {
      const res = await send(method, '/api/v1/catalog/models');
      expect(res.status, method).toBe(405);
      expect(res.body.error).toMatchObject({ code: 'METHOD_NOT_ALLOWED', details: { method } });
      expect(res.body.error.details.allow).toContain('GET');
      expect(res.headers.allow).toMatch(/GET/);
      expect(res.headers['content-type']).toMatch(/application\/json/);
    }
  });

  it('an unknown path is still a 404 whatever the method', async () => {
    const res = await send('TRACE', '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('a body shorter than its Content-Length is cut off with a 408 at the request timeout', async () => {
    const answer = await raw(
      `POST /api/v1/auth/wechat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"code":`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('headers that never finish are cut off with a 408 too', async () => {
    const answer = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: `);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('the server still answers normally afterwards', async () => {
    expect((await t.api('/healthz')).status).toBe(200);
  });
});
