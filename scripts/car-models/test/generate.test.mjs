import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BODY_TYPES } from '../src/car.mjs';
import { DEFAULT_OUT_DIR, generateAll } from '../src/generate.mjs';
import { glbStats, readGlbJson } from '../src/stats.mjs';

const out = mkdtempSync(path.join(tmpdir(), 'car-models-'));
const files = await generateAll(out);
test.after(() => rmSync(out, { recursive: true, force: true }));

test('one small GLB per body type, with the named parts the viewer needs', () => {
  assert.deepEqual(files.map((f) => path.basename(f)), BODY_TYPES.map((t) => `${t}.glb`));
  for (const file of files) {
    const buf = readFileSync(file);
    const stats = glbStats(buf);
    assert.ok(stats.bytes < 300 * 1024, `${file}: ${stats.bytes} bytes`);
    assert.ok(stats.triangles > 1000 && stats.triangles < 20000, `${file}: ${stats.triangles} triangles`);
    for (const m of ['paint', 'rims', 'tyres', 'glass', 'interior', 'lights']) assert.ok(stats.materials.includes(m), `${file} lacks material ${m}`);
    for (const n of ['body', 'door_fl', 'door_fr', 'wheel_fl', 'wheel_rr', 'interior', 'lights', 'cabin_glass']) assert.ok(stats.nodes.includes(n), `${file} lacks node ${n}`);
    // Doors carry their opening angle (glTF extras -> three's userData), opposite signs per side.
    const json = readGlbJson(buf);
    const angle = (name) => json.nodes.find((n) => n.name === name).extras.openAngle;
    assert.ok(angle('door_fl') < 0 && angle('door_fr') > 0);
  }
});

test('the committed models in bff/assets/models are what the generator makes now', () => {
  for (const file of files) {
    const committed = readFileSync(path.join(DEFAULT_OUT_DIR, path.basename(file)));
    assert.ok(committed.equals(readFileSync(file)), `${path.basename(file)} is stale: run pnpm --filter @carmall/car-models generate`);
  }
});
