import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/carmall', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('configuration from the environment', () => {
  it('applies defaults', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({ NODE_ENV: 'development', PORT: 3000, HOST: '127.0.0.1', REDIS_KEY_PREFIX: 'carmall:' });
    expect(c.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('names every bad variable and what it got', () => {
    try {
      loadConfig({ ...base, PORT: 'eighty', MONGODB_URI: 'postgres://x', REDIS_URL: undefined });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT: .*got "eighty"/m);
      expect(problems).toMatch(/^MONGODB_URI: must be a mongodb:\/\/ .*got "postgres:\/\/x"/m);
      expect(problems).toMatch(/^REDIS_URL: .*not set/m);
    }
  });

  it('requires real secrets in production', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: is required in production[\s\S]*WECHAT_SECRET/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: 'short', WECHAT_SECRET: 'x' })).toThrow(/SESSION_SECRET: must be at least 32/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...base, PORT: '' }).PORT).toBe(3000);
  });

  it('stops the server process with a clear message and exit code 78', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { PATH: process.env.PATH, REDIS_URL: 'redis://127.0.0.1:1', MONGODB_URI: 'nope' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toContain('MONGODB_URI: must be a mongodb://');
    expect(res.stderr).toContain('README.md');
  });
});
