import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Field-level encryption of personal data (PIPL): AES-256-GCM, one random 96-bit IV per value,
 * and a key id in every ciphertext so keys can rotate: new values are written under the active
 * key, old values stay readable while their key is still in the keyring, and the rotation command
 * (`pnpm --filter @carmall/bff rotate-keys`) re-encrypts them in the background.
 *
 * Ciphertext format (a string, stored as is): `pii1.<kid>.<iv>.<ciphertext>.<tag>` (base64url parts).
 * The AAD binds a value to where it lives (e.g. `users/<id>/phone`), so a ciphertext copied into
 * another user's document or another field does not decrypt.
 *
 * Lookups (find a user by phone) use a blind index: an HMAC of the normalised value under a
 * separate key, never the ciphertext (which is randomised) and never the plaintext.
 */
export interface Keyring {
  activeKid: string;
  keys: Map<string, Buffer>;
}

const FORMAT = /^pii1\.([A-Za-z0-9_-]{1,16})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

/** `k2:base64,k1:base64` (as validated by config.ts) → keyring. */
export function parseKeyring(spec: string, activeKid: string): Keyring {
  const keys = new Map<string, Buffer>();
  for (const part of spec.split(',')) {
    const i = part.indexOf(':');
    const kid = part.slice(0, i);
    const key = Buffer.from(part.slice(i + 1), 'base64');
    if (key.length !== 32) throw new Error(`PII key ${kid} is not 32 bytes`);
    keys.set(kid, key);
  }
  if (!keys.has(activeKid)) throw new Error(`PII_ACTIVE_KEY ${activeKid} is not in PII_KEYS`);
  return { activeKid, keys };
}

export class PiiCipher {
  private readonly blindKey: Buffer;

  constructor(
    private readonly ring: Keyring,
    blindIndexKey: string,
  ) {
    this.blindKey = Buffer.from(blindIndexKey, 'base64');
  }

  get activeKid() {
    return this.ring.activeKid;
  }

  encrypt(plaintext: string, aad: string): string {
    const kid = this.ring.activeKid;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.ring.keys.get(kid)!, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `pii1.${kid}.${iv.toString('base64url')}.${ct.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  }

  /** Throws when the value was tampered with, moved (AAD), or its key is no longer in the keyring. */
  decrypt(value: string, aad: string): string {
    const m = FORMAT.exec(value);
    if (!m) throw new Error('not a pii1 ciphertext');
    const key = this.ring.keys.get(m[1]);
    if (!key) throw new Error(`PII key ${m[1]} is not in the keyring`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(m[2], 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(m[4], 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(m[3], 'base64url')), decipher.final()]).toString('utf8');
  }

  static kidOf(value: string): string | null {
    return FORMAT.exec(value)?.[1] ?? null;
  }

  /** Deterministic HMAC-SHA256 of a normalised value, namespaced by what it is ("phone"). */
  blindIndex(kind: string, normalised: string): string {
    return createHmac('sha256', this.blindKey).update(`${kind}\0${normalised}`).digest('base64url');
  }
}

/** HMAC-SHA256 hex of a secret under a server key: what we store instead of tokens and codes. */
export function hmacHex(key: string, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
