// WeChat refuses to upload a mini-program whose main package or any subpackage exceeds 2 MB, or
// whose total exceeds 20 MB (third-party developed) — fail the build here instead of in devtools.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// CARMALL_DIST_ROOT: the same output folder override as miniapp/config/index.ts.
const root = new URL(`../miniapp/${process.env.CARMALL_DIST_ROOT ?? 'dist'}/weapp/`, import.meta.url).pathname;
const MB = 1024 * 1024;
const sizeOf = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? sizeOf(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);

const appJson = JSON.parse(readFileSync(join(root, 'app.json'), 'utf8'));
const subRoots = (appJson.subPackages ?? appJson.subpackages ?? []).map((p) => p.root.replace(/\/$/, ''));
const total = sizeOf(root);
const subs = subRoots.map((r) => ({ root: r, bytes: sizeOf(join(root, r)) }));
const main = total - subs.reduce((n, s) => n + s.bytes, 0);
const fmt = (b) => `${(b / 1024).toFixed(1)} KB`;
console.log(`weapp main package: ${fmt(main)} (limit 2048 KB)`);
for (const s of subs) console.log(`weapp subpackage ${s.root}: ${fmt(s.bytes)} (limit 2048 KB)`);
console.log(`weapp total: ${fmt(total)} (limit 20480 KB)`);
const over = [main, ...subs.map((s) => s.bytes)].some((b) => b > 2 * MB) || total > 20 * MB;
if (over) {
  console.error('a WeChat package size limit is exceeded');
  process.exit(1);
}
