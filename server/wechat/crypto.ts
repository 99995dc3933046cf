import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// WeChat's callback signatures and "safe mode" message encryption, as in Tencent's official samples:
// AES-256-CBC with the IV taken from the key, PKCS#7 padding to 32-byte blocks (not AES's 16), and a plaintext of
// random(16) + length(4, big-endian) + message + AppID. The error codes are those of the official samples.

export type WechatCryptoErrorCode = -40001 | -40002 | -40004 | -40005 | -40007 | -40010;

const messages: Record<WechatCryptoErrorCode, string> = {
  [-40001]: 'signature mismatch',
  [-40002]: 'malformed XML',
  [-40004]: 'invalid EncodingAESKey',
  [-40005]: 'AppID mismatch',
  [-40007]: 'decryption failed',
  [-40010]: 'invalid base64',
};

export class WechatCryptoError extends Error {
  readonly code: WechatCryptoErrorCode;

  constructor(code: WechatCryptoErrorCode, detail?: string) {
    super(detail ? `${messages[code]}: ${detail}` : messages[code]);
    this.name = 'WechatCryptoError';
    this.code = code;
  }
}

const BLOCK = 32;

/** Dictionary-sorts the parts, joins them without separator and returns the lowercase hex SHA1. */
export function sha1Signature(parts: string[]): string {
  // Plain code-unit order, which is WeChat's "dictionary order" for the ASCII values it signs.
  const sorted = [...parts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha1').update(sorted.join(''), 'utf8').digest('hex');
}

/** The plain `signature` check of the URL verification and of every callback POST. */
export function verifySignature(token: string, timestamp: string, nonce: string, signature: string): boolean {
  return sameHex(sha1Signature([token, timestamp, nonce]), signature);
}

/** `msg_signature` of an encrypted callback or reply: the signature over the `Encrypt` value as well. */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1Signature([token, timestamp, nonce, encrypt]);
}

/** Timing-safe comparison of an expected hex digest with what was received. */
export function sameHex(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The 32-byte AES key of a 43-character EncodingAESKey (base64 without its trailing '='). */
export function aesKeyFrom(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new WechatCryptoError(-40004, 'EncodingAESKey must be 43 base64 characters');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError(-40004);
  return key;
}

/** Encrypts a message as WeChat does; returns the base64 `Encrypt` value. `random` (16 bytes) is for tests. */
export function encryptMessage(
  encodingAesKey: string,
  appId: string,
  plain: string,
  random: Buffer = randomBytes(16),
): string {
  if (random.length !== 16) throw new RangeError('random must be 16 bytes');
  const key = aesKeyFrom(encodingAesKey);
  const message = Buffer.from(plain, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(message.length, 0);
  const body = Buffer.concat([random, length, message, Buffer.from(appId, 'utf8')]);
  const padding = BLOCK - (body.length % BLOCK);
  const padded = Buffer.concat([body, Buffer.alloc(padding, padding)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** Decrypts an `Encrypt` value and checks that it was meant for `appId` (else −40005). */
export function decryptMessage(encodingAesKey: string, appId: string, encrypt: string): string {
  const key = aesKeyFrom(encodingAesKey);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt) || encrypt.length % 4 !== 0) {
    throw new WechatCryptoError(-40010);
  }
  const cipherText = Buffer.from(encrypt, 'base64');
  if (cipherText.length === 0 || cipherText.length % BLOCK !== 0) {
    throw new WechatCryptoError(-40007, 'cipher text is not a whole number of blocks');
  }
  let padded: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    padded = Buffer.concat([decipher.update(cipherText), decipher.final()]);
  } catch (error) {
    throw new WechatCryptoError(-40007, (error as Error).message);
  }
  const padding = padded[padded.length - 1];
  if (padding < 1 || padding > BLOCK || padded.subarray(padded.length - padding).some((b) => b !== padding)) {
    throw new WechatCryptoError(-40007, 'bad padding');
  }
  const body = padded.subarray(0, padded.length - padding);
  if (body.length < 20) throw new WechatCryptoError(-40007, 'message too short');
  const length = body.readUInt32BE(16);
  if (20 + length > body.length) throw new WechatCryptoError(-40007, 'bad message length');
  const receivedAppId = body.subarray(20 + length).toString('utf8');
  if (receivedAppId !== appId) throw new WechatCryptoError(-40005);
  return body.subarray(20, 20 + length).toString('utf8');
}
