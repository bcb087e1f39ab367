import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** The offline evaluation command, run the way anyone runs it (`pnpm --filter @carmall/bff reco:eval …`). */
const run = (args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/modules/recommendations/eval-cli.ts', ...args], { cwd: join(import.meta.dirname, '..') });

function metrics(out: string, row: string) {
  const m = new RegExp(`^${row}\\s+precision@10\\s+([\\d.]+)%\\s+recall@10\\s+([\\d.]+)%\\s+coverage\\s+([\\d.]+)%`, 'm').exec(out);
  expect(m, out).not.toBeNull();
  return { precision: Number(m![1]), recall: Number(m![2]), coverage: Number(m![3]) };
}

describe('reco:eval', () => {
  it('on a small synthetic set the recommender beats the popularity baseline, and prints training time and memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reco-eval-'));
    const { stdout } = await run(['--synthetic', '--seed', '11', '--users', '300', '--write', join(dir, 'events.csv')]);
    const rec = metrics(stdout, 'recommender');
    const pop = metrics(stdout, 'popularity');
    expect(rec.precision).toBeGreaterThan(pop.precision);
    expect(rec.recall).toBeGreaterThan(pop.recall);
    expect(stdout).toMatch(/^training: [\d.]+ ms \(\d+ events, 80 items\)$/m);
    expect(stdout).toMatch(/^memory: peak RSS [\d.]+ MB/m);
    // The exported CSV is a valid input of the same command (CF only: a CSV has no catalog features).
    const fromCsv = await run([join(dir, 'events.csv'), '--split', 'user']);
    expect(metrics(fromCsv.stdout, 'recommender').precision).toBeGreaterThan(metrics(fromCsv.stdout, 'popularity').precision);
  });

  it('refuses a malformed CSV with the line and exit code 64', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reco-eval-'));
    writeFileSync(join(dir, 'bad.csv'), 'user,item,rating,timestamp\nu1,i1,3,1700000000\nu1,i2,lots,1700000000\n');
    const err = await run([join(dir, 'bad.csv')]).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(64);
    expect(err?.stderr).toContain('line 3');
  });
});
