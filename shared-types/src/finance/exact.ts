/**
 * Just enough exact natural-number arithmetic (base 10^7 limbs, little-endian) to decide the
 * rounding of the annuity payment exactly, without BigInt (which older mini-program runtimes lack).
 * Limb products stay below 2^53: 10^7 × 10^7 + carries < 9·10^15.
 */
export type Nat = number[];
const BASE = 10_000_000;

export function nat(n: number): Nat {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`nat: not a safe non-negative integer: ${n}`);
  const out: Nat = [];
  do {
    out.push(n % BASE);
    n = Math.floor(n / BASE);
  } while (n > 0);
  return out;
}

function trim(a: Nat): Nat {
  let len = a.length;
  while (len > 1 && a[len - 1] === 0) len--;
  return a.slice(0, len);
}

export function mul(a: Nat, b: Nat): Nat {
  const out = new Array<number>(a.length + b.length).fill(0);
  for (let i = 0; i < a.length; i++) {
    let carry = 0;
    for (let j = 0; j < b.length; j++) {
      const t = out[i + j] + a[i] * b[j] + carry;
      carry = Math.floor(t / BASE);
      out[i + j] = t - carry * BASE;
    }
    let k = i + b.length;
    while (carry > 0) {
      const t = out[k] + carry;
      carry = Math.floor(t / BASE);
      out[k] = t - carry * BASE;
      k++;
    }
  }
  return trim(out);
}

export function pow(a: Nat, n: number): Nat {
  let out = nat(1);
  for (let i = 0; i < n; i++) out = mul(out, a);
  return out;
}

/** a − b, for a >= b. */
export function sub(a: Nat, b: Nat): Nat {
  const out: Nat = [];
  let borrow = 0;
  for (let i = 0; i < a.length; i++) {
    let t = a[i] - (b[i] ?? 0) - borrow;
    borrow = t < 0 ? 1 : 0;
    if (t < 0) t += BASE;
    out.push(t);
  }
  if (borrow) throw new RangeError('sub: negative result');
  return trim(out);
}

export function cmp(a: Nat, b: Nat): -1 | 0 | 1 {
  const x = trim(a);
  const y = trim(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  for (let i = x.length - 1; i >= 0; i--) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}
