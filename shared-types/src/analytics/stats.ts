/**
 * Statistics for A/B results: two-proportion z-test, confidence interval of the difference, and the
 * sample-ratio-mismatch (SRM) chi-square test. Distribution functions are implemented here (no
 * dependency) and checked against published table values in the tests.
 */

/** Complementary error function, Numerical Recipes' erfcc (fractional error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Inverse of Φ (Acklam's rational approximation, relative error < 1.15e-9), for CI quantiles. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error('p must be in (0, 1)');
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

function logGamma(x: number): number {
  // Lanczos (g = 7, n = 9): ~15 significant digits for x > 0.
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = g[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x) (series below a+1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPre = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let del = sum;
    for (let n = 1; n < 1000; n++) {
      del *= x / (a + n);
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(lnPre);
  }
  // Lentz's continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(lnPre) * h;
}

/** P(X ≥ x) for a chi-square distribution with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

export interface Proportion {
  /** Units exposed. */
  n: number;
  /** Units converted (≤ n). */
  x: number;
}

export interface ComparisonResult {
  rateA: number;
  rateB: number;
  /** rateB − rateA. */
  diff: number;
  /** Relative lift of B over A (null when A converts at 0). */
  lift: number | null;
  /** Pooled two-proportion z statistic (null without data on both sides). */
  z: number | null;
  /** Two-sided p-value. */
  pValue: number | null;
  /** Confidence interval of diff (unpooled Wald), at `confidence`. */
  ci: [number, number] | null;
  confidence: number;
  significant: boolean;
}

/**
 * Compare variant B with control A: pooled z-test for H0 pA = pB (two-sided), and the Wald interval
 * of pB − pA with unpooled variance.
 */
export function compareProportions(a: Proportion, b: Proportion, confidence = 0.95): ComparisonResult {
  const rateA = a.n > 0 ? a.x / a.n : 0;
  const rateB = b.n > 0 ? b.x / b.n : 0;
  const diff = rateB - rateA;
  const base = { rateA, rateB, diff, lift: rateA > 0 ? diff / rateA : null, confidence };
  if (a.n === 0 || b.n === 0) return { ...base, z: null, pValue: null, ci: null, significant: false };
  const pooled = (a.x + b.x) / (a.n + b.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  const z = sePooled > 0 ? diff / sePooled : 0;
  const pValue = sePooled > 0 ? erfc(Math.abs(z) / Math.SQRT2) : 1;
  const se = Math.sqrt((rateA * (1 - rateA)) / a.n + (rateB * (1 - rateB)) / b.n);
  const q = normalQuantile(1 - (1 - confidence) / 2);
  return { ...base, z, pValue, ci: [diff - q * se, diff + q * se], significant: pValue < 1 - confidence };
}

export interface SrmResult {
  chiSquare: number;
  df: number;
  pValue: number;
  /** Observed split differs from the configured weights beyond chance (p < threshold). */
  mismatch: boolean;
  expected: number[];
}

/**
 * Sample-ratio mismatch: chi-square goodness of fit of the observed exposures per variant against
 * the configured weights. A tiny p-value (default threshold 0.001, the usual SRM alarm) means the
 * assignment or logging is broken, and the results should not be trusted.
 */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[], threshold = 0.001): SrmResult {
  if (observed.length !== weights.length || observed.length < 2) throw new Error('need one weight per observed count, at least two');
  const total = observed.reduce((s, v) => s + v, 0);
  const wsum = weights.reduce((s, v) => s + v, 0);
  const expected = weights.map((w) => (total * w) / wsum);
  const chiSquare = total === 0 ? 0 : observed.reduce((s, o, i) => s + (expected[i] > 0 ? (o - expected[i]) ** 2 / expected[i] : 0), 0);
  const df = observed.length - 1;
  const pValue = total === 0 ? 1 : chiSquareSurvival(chiSquare, df);
  return { chiSquare, df, pValue, mismatch: pValue < threshold, expected };
}

/** Fewer exposures than this in any arm and a result is not a basis for shipping. */
export const MIN_EXPOSED_PER_VARIANT_TO_SHIP = 100;

/**
 * Whether shipping a variant is backed by the data: every arm has enough exposures, the split is
 * as configured (no SRM) and, for a variant other than the control, it differs significantly from
 * the control. `reasons` (Chinese) say what is missing; the console warns with them.
 */
export function shipReadiness(
  results: { variants: readonly { key: string; exposed: number; vsControl: { significant: boolean; pValue: number | null } | null }[]; srm: { mismatch: boolean } },
  variantKey: string,
  minExposed = MIN_EXPOSED_PER_VARIANT_TO_SHIP,
): { ready: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const fewest = Math.min(...results.variants.map((v) => v.exposed));
  if (fewest < minExposed) reasons.push(`样本不足：每个方案至少 ${minExposed} 次曝光，目前最少 ${fewest} 次`);
  if (results.srm.mismatch) reasons.push('分流比例异常（SRM），结果不可信');
  const v = results.variants.find((x) => x.key === variantKey);
  const isControl = results.variants[0]?.key === variantKey;
  if (v && !isControl && !v.vsControl?.significant) {
    reasons.push(`与对照的差异尚不显著${v.vsControl?.pValue != null ? `（p = ${v.vsControl.pValue.toFixed(2)}）` : ''}`);
  }
  return { ready: reasons.length === 0, reasons };
}
