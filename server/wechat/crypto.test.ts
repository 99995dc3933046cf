import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { test } from 'node:test';
import {
  WechatCryptoError,
  aesKeyFrom,
  decryptMessage,
  encryptMessage,
  msgSignature,
  sha1Signature,
  verifySignature,
} from './crypto.js';
import { parseWechatXml } from './xml.js';

// Published vectors, copied from the protocol brief (wechatpy tests/test_utils.py, WxJava WxCryptUtilTest,
// Tencent's official Python sample). They were produced by WeChat or its reference code, not by us.
const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

const vectorA = {
  token: 'pamtest',
  appId: 'wxb11529c136998cb6',
  random: Buffer.from('aaaabbbbccccdddd', 'utf8'),
  message: '我是中文abcd123',
  encrypt: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
  aesKeyHex: '69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051',
  timestamp: '1409304348',
  nonce: 'xxxxxx',
  msgSignature: '82c962d39941aa48552f90ef55aa323dc620cc10',
};

const vectorC = {
  token: 'spamtest',
  appId: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9Fr' +
    'XpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WG' +
    'zjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBY' +
    'YI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
  plain:
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n' +
    '<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n' +
    '<CreateTime>1409735668</CreateTime>\n' +
    '<MsgType><![CDATA[text]]></MsgType>\n' +
    '<Content><![CDATA[abcdteT]]></Content>\n' +
    '<MsgId>6054768590064713728</MsgId>\n' +
    '</xml>',
};

function cryptoCode(fn: () => unknown): number {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof WechatCryptoError, `expected a WechatCryptoError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected a WechatCryptoError');
}

test('URL-verification signatures match the published vectors', () => {
  assert.equal(sha1Signature(['test', '1410685589', 'test']), 'f21891de399b4e33a1a93c9a7b8a8fffb5a443ff');
  assert.equal(sha1Signature(['1410685589', 'test', 'test']), 'f21891de399b4e33a1a93c9a7b8a8fffb5a443ff');
  assert.equal(sha1Signature(['spamtest', '1409735669', '1320562132']), '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a');
  assert.ok(verifySignature('test', '1410685589', 'test', 'f21891de399b4e33a1a93c9a7b8a8fffb5a443ff'));
  assert.ok(verifySignature('spamtest', '1409735669', '1320562132', '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a'));
});

test('a wrong token, timestamp, nonce or signature does not verify', () => {
  const good = '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a';
  assert.equal(verifySignature('spamtest2', '1409735669', '1320562132', good), false);
  assert.equal(verifySignature('spamtest', '1409735670', '1320562132', good), false);
  assert.equal(verifySignature('spamtest', '1409735669', '1320562133', good), false);
  assert.equal(verifySignature('spamtest', '1409735669', '1320562132', good.slice(0, -1)), false);
  assert.equal(verifySignature('spamtest', '1409735669', '1320562132', ''), false);
  assert.equal(verifySignature('spamtest', '1409735669', '1320562132', good.toUpperCase()), false);
});

test('the AES key of an EncodingAESKey is its base64 decoding with "=" appended', () => {
  assert.equal(aesKeyFrom(key).toString('hex'), vectorA.aesKeyHex);
  assert.equal(
    cryptoCode(() => aesKeyFrom(key.slice(0, 42))),
    -40004,
  );
  assert.equal(
    cryptoCode(() => aesKeyFrom(`${key}=`)),
    -40004,
  );
  assert.equal(
    cryptoCode(() => aesKeyFrom(`${key.slice(0, 42)}!`)),
    -40004,
  );
  assert.equal(
    cryptoCode(() => aesKeyFrom('')),
    -40004,
  );
});

test('Vector A: encrypting with the published random gives the published Encrypt and msg_signature', () => {
  const encrypt = encryptMessage(key, vectorA.appId, vectorA.message, vectorA.random);
  assert.equal(encrypt, vectorA.encrypt);
  assert.equal(msgSignature(vectorA.token, vectorA.timestamp, vectorA.nonce, encrypt), vectorA.msgSignature);
  assert.equal(decryptMessage(key, vectorA.appId, encrypt), vectorA.message);
});

test('Vector C: a real push verifies and decrypts to the exact XML, newlines kept, MsgId as a string', () => {
  assert.equal(msgSignature(vectorC.token, vectorC.timestamp, vectorC.nonce, vectorC.encrypt), vectorC.msgSignature);
  assert.notEqual(msgSignature('other', vectorC.timestamp, vectorC.nonce, vectorC.encrypt), vectorC.msgSignature);
  const plain = decryptMessage(key, vectorC.appId, vectorC.encrypt);
  assert.equal(plain, vectorC.plain);
  const parsed = parseWechatXml(plain);
  assert.equal(parsed.MsgId, '6054768590064713728');
  assert.equal(parsed.Content, 'abcdteT');
  assert.equal(parsed.ToUserName, 'gh_10f6c3c3ac5a');
});

test('a random is drawn per message, and each encryption decrypts back', () => {
  const first = encryptMessage(key, vectorA.appId, 'hello');
  const second = encryptMessage(key, vectorA.appId, 'hello');
  assert.notEqual(first, second);
  assert.equal(decryptMessage(key, vectorA.appId, first), 'hello');
  assert.equal(decryptMessage(key, vectorA.appId, second), 'hello');
  assert.throws(() => encryptMessage(key, vectorA.appId, 'x', Buffer.alloc(15)), RangeError);
});

test('padding is to 32-byte blocks: a body of a whole number of blocks gains 32 bytes of 0x20', () => {
  const appId = 'wx0123456789abcdef'; // 18 bytes: 16 + 4 + 26 + 18 = 64
  const message = 'abcdefghijklmnopqrstuvwxyz';
  const encrypt = encryptMessage(key, appId, message, Buffer.alloc(16, 1));
  const cipherText = Buffer.from(encrypt, 'base64');
  assert.equal(cipherText.length, 96);
  const aes = aesKeyFrom(key);
  // Decrypt by hand without padding removal to see the bytes WeChat would see.
  const decipher = createDecipheriv('aes-256-cbc', aes, aes.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(cipherText), decipher.final()]);
  assert.deepEqual(padded.subarray(64), Buffer.alloc(32, 0x20));
  assert.equal(decryptMessage(key, appId, encrypt), message);
  // One byte shorter: one byte of padding, value 1.
  const shorter = Buffer.from(encryptMessage(key, appId, message.slice(1), Buffer.alloc(16, 1)), 'base64');
  assert.equal(shorter.length, 64);
});

test('empty and multi-byte messages round-trip with their UTF-8 byte length', () => {
  for (const message of ['', '团', '共青团\n  ', 'x'.repeat(5000), '😀 emoji']) {
    assert.equal(decryptMessage(key, vectorA.appId, encryptMessage(key, vectorA.appId, message)), message);
  }
});

test('decrypting refuses a wrong AppID, a bad key, bad base64 and a tampered cipher text with their codes', () => {
  assert.equal(
    cryptoCode(() => decryptMessage(key, 'wx0000000000000000', vectorC.encrypt)),
    -40005,
  );
  assert.equal(
    cryptoCode(() => decryptMessage(key, vectorC.appId.slice(0, -1), vectorC.encrypt)),
    -40005,
  );
  assert.equal(
    cryptoCode(() => decryptMessage('short', vectorC.appId, vectorC.encrypt)),
    -40004,
  );
  assert.equal(
    cryptoCode(() => decryptMessage(key, vectorC.appId, 'not base64!')),
    -40010,
  );
  assert.equal(
    cryptoCode(() => decryptMessage(key, vectorC.appId, vectorC.encrypt.slice(1))),
    -40010,
  );
  assert.equal(
    cryptoCode(() => decryptMessage(key, vectorC.appId, '')),
    -40010,
  );
  // Whole base64 but not whole AES blocks.
  assert.equal(
    cryptoCode(() => decryptMessage(key, vectorC.appId, vectorC.encrypt.slice(4))),
    -40007,
  );
  // Another key decrypts to noise: bad padding or length.
  const otherKey = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq';
  assert.ok([-40007, -40005].includes(cryptoCode(() => decryptMessage(otherKey, vectorC.appId, vectorC.encrypt))));
  // A changed byte in the last AES block garbles the padding or the AppID; in the first, the message length.
  const bytes = Buffer.from(vectorC.encrypt, 'base64');
  const tamper = (at: number) => {
    const copy = Buffer.from(bytes);
    copy[at] ^= 0x55;
    return copy.toString('base64');
  };
  assert.equal(
    cryptoCode(() => decryptMessage(key, vectorC.appId, tamper(bytes.length - 1))),
    -40007,
  );
  assert.equal(
    cryptoCode(() => decryptMessage(key, vectorC.appId, tamper(bytes.length - 20))),
    -40005,
  );
  assert.equal(
    cryptoCode(() => decryptMessage(key, vectorC.appId, tamper(3))),
    -40007,
  );
  // CBC has no MAC: a change in the middle only garbles text. The msg_signature, checked first, catches it.
  assert.notEqual(decryptMessage(key, vectorC.appId, tamper(280)), vectorC.plain);
  assert.notEqual(msgSignature(vectorC.token, vectorC.timestamp, vectorC.nonce, tamper(280)), vectorC.msgSignature);
});
