import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Encryption at rest for personal data (phones now, ID numbers in the member registers). One 32-byte master key
 * lives outside the database — TUANJIAN_DATA_KEY, or a key file in the data directory created at first start —
 * and two keys are derived from it: one encrypts (AES-256-GCM), one computes the blind index (HMAC-SHA256) that
 * finds a record by its exact value without decrypting anything. The cipher is behind this small interface so
 * that an SM4 implementation can replace it.
 */
export type Keyring = {
  encrypt: (plain: string) => string;
  decrypt: (stored: string) => string;
  /** Same input, same output: a look-up key. Separated per field so a phone never matches an ID number. */
  blindIndex: (field: string, normalized: string) => string;
  /**
   * The two derived keys, for building the same keyring in a worker thread of this process (an import checks and
   * encrypts its rows there). Never stored, logged or sent anywhere else.
   */
  material: () => KeyMaterial;
};

export type KeyMaterial = { encryptionKey: Uint8Array; indexKey: Uint8Array };

const version = 'v1';

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'keys', 'data.key');
}

/** The master key: from the environment (base64) or the key file, which is created with mode 0600 if missing. */
export function loadMasterKey(options: { dataKey: string | null; dataDir: string }): Buffer {
  if (options.dataKey) {
    const key = Buffer.from(options.dataKey, 'base64');
    if (key.length !== 32) throw new Error('TUANJIAN_DATA_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  const file = keyFilePath(options.dataDir);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx' fails if another process created it meanwhile; then we read theirs.
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`data key file ${file} does not hold a 32-byte base64 key`);
  return key;
}

/**
 * 12-byte GCM nonces cut from a pooled buffer of CSPRNG bytes, each used once: a randomBytes(12) call per value is
 * a system call, and was a third of the cost of protecting a phone in a million-row import.
 */
function nonceSource(): () => Buffer {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + 12 > pool.length) {
      pool = randomBytes(12 * 1024);
      offset = 0;
    }
    offset += 12;
    return pool.subarray(offset - 12, offset);
  };
}

export function createKeyring(masterKey: Buffer): Keyring {
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), purpose, 32));
  return keyringFromMaterial({
    encryptionKey: derive('tuanjian personal data encryption'),
    indexKey: derive('tuanjian personal data blind index'),
  });
}

/** The keyring of `material()`, in another thread of the same process. */
export function keyringFromMaterial(material: KeyMaterial): Keyring {
  const encryptionKey = Buffer.from(material.encryptionKey);
  const indexKey = Buffer.from(material.indexKey);
  const nextNonce = nonceSource();
  return {
    encrypt(plain) {
      const iv = nextNonce();
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      // iv ‖ tag ‖ cipher text, written into one buffer (GCM's cipher text is as long as the plain text).
      const body = cipher.update(plain, 'utf8');
      cipher.final();
      const out = Buffer.allocUnsafe(28 + body.length);
      iv.copy(out, 0);
      cipher.getAuthTag().copy(out, 12);
      body.copy(out, 28);
      return `${version}:${out.toString('base64')}`;
    },
    decrypt(stored) {
      const [tag, payload] = stored.split(':');
      if (tag !== version || !payload) throw new Error('unknown personal-data cipher format');
      const raw = Buffer.from(payload, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    blindIndex(field, normalized) {
      return createHmac('sha256', indexKey).update(`${field}\n${normalized}`).digest('hex');
    },
    material: () => ({ encryptionKey: Uint8Array.from(encryptionKey), indexKey: Uint8Array.from(indexKey) }),
  };
}
