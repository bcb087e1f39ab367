/**
 * Independent exact arithmetic for the finance tests: BigInt rationals, a different route from
 * the calculator's double-precision annuity and its integer-division interest.
 */
const D = 120_000n; // monthly rate = bp / 120000

/** round-half-up(num / den) for num >= 0, den > 0. */
function roundHalfUp(num: bigint, den: bigint): number {
  return Number((2n * num + den) / (2n * den));
}

/**
 * The exact 等额本息 payment, rounded half-up to the fen: with q = (D + bp) / D,
 * A = (P·q^n − B)·r / (q^n − 1) = (P·(D+bp)^n − B·D^n)·bp / (D·((D+bp)^n − D^n)).
 */
export function exactAnnuityFen(financedFen: number, balloonFen: number, bp: number, n: number): number {
  const P = BigInt(financedFen);
  const B = BigInt(balloonFen);
  if (bp === 0) return roundHalfUp(P - B, BigInt(n));
  const b = BigInt(bp);
  const up = (D + b) ** BigInt(n);
  const dn = D ** BigInt(n);
  return roundHalfUp((P * up - B * dn) * b, D * (up - dn));
}

export function exactInterestFen(balanceFen: number, bp: number): number {
  return roundHalfUp(BigInt(balanceFen) * BigInt(bp), D);
}
