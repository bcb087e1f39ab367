#!/usr/bin/env node
/**
 * Prints size, triangle count, meshes and materials of .glb files by reading the GLB's JSON chunk
 * (no three.js needed).
 *
 *   pnpm --filter @carmall/car-models models:stats [files or folder]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bff/assets/models');

/** The JSON chunk of a GLB (throws on anything else). */
export function readGlbJson(buf) {
  if (buf.readUInt32LE(0) !== 0x46546c67) throw new Error('not a GLB (bad magic)');
  if (buf.readUInt32LE(4) !== 2) throw new Error('not glTF 2.0');
  const jsonLen = buf.readUInt32LE(12);
  if (buf.readUInt32LE(16) !== 0x4e4f534a) throw new Error('first GLB chunk is not JSON');
  return JSON.parse(buf.subarray(20, 20 + jsonLen).toString('utf8'));
}

export function glbStats(buf) {
  const json = readGlbJson(buf);
  let triangles = 0;
  for (const m of json.meshes ?? []) {
    for (const p of m.primitives) {
      if ((p.mode ?? 4) !== 4) continue;
      const count = p.indices !== undefined ? json.accessors[p.indices].count : json.accessors[p.attributes.POSITION].count;
      triangles += count / 3;
    }
  }
  return {
    bytes: buf.length,
    triangles,
    nodes: (json.nodes ?? []).map((n) => n.name).filter(Boolean),
    materials: (json.materials ?? []).map((m) => m.name),
  };
}

export function printStats(files) {
  const rows = files.map((file) => ({ file: path.basename(file), ...glbStats(readFileSync(file)) }));
  for (const r of rows) {
    console.log(
      `${r.file.padEnd(10)} ${(r.bytes / 1024).toFixed(1).padStart(7)} KB ${String(r.triangles).padStart(6)} triangles  materials: ${r.materials.join(', ')}`,
    );
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const targets = args.length ? args : [DEFAULT_DIR];
  const files = targets.flatMap((t) =>
    statSync(t).isDirectory() ? readdirSync(t).filter((f) => f.endsWith('.glb')).sort().map((f) => path.join(t, f)) : [t],
  );
  if (!files.length) {
    console.error(`no .glb files in ${targets.join(', ')} (run: pnpm --filter @carmall/car-models generate)`);
    process.exit(1);
  }
  printStats(files);
}
