#!/usr/bin/env node
/**
 * Writes one .glb per body type (suv, sedan, mpv) to bff/assets/models/ (or the folder given as the
 * first argument), then prints sizes and triangle counts. The output is deterministic, so the
 * committed files can be checked against a fresh run (test/generate.test.mjs).
 *
 *   pnpm --filter @carmall/car-models generate [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BODY_TYPES, buildCar } from './car.mjs';
import { exportGlb } from './export.mjs';
import { printStats } from './stats.mjs';

export const DEFAULT_OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bff/assets/models');

export async function generateAll(outDir = DEFAULT_OUT_DIR) {
  mkdirSync(outDir, { recursive: true });
  const files = [];
  for (const bodyType of BODY_TYPES) {
    const glb = await exportGlb(buildCar(bodyType));
    const file = path.join(outDir, `${bodyType}.glb`);
    writeFileSync(file, glb);
    files.push(file);
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT_DIR;
  const files = await generateAll(outDir);
  console.log(`wrote ${files.length} models to ${outDir}`);
  printStats(files);
}
