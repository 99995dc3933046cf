import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idNumberIndex, protectIdNumber } from './id-number.js';
import { createKeyring, keyringFromMaterial } from './keyring.js';
import { phoneIndex, protectPhone } from './phone.js';

// What is stored must stay readable and findable: a cipher text and blind indexes written by an earlier version
// (fixed here, made with the master key below) still decrypt and match, and a keyring rebuilt in a worker thread
// from `material()` reads and writes the same format.

const master = Buffer.alloc(32, 7);
const storedCipher = 'v1:nNQWHwewhOHOb6ei0Yz7g4ikFnjcWRuoGAoZwU5RtPfvVjmSDDwt7dL8Jet4gA==';
const idNumber = '610102200501011233';

test('values stored by an earlier version decrypt, and their blind indexes match', () => {
  const keyring = createKeyring(master);
  assert.equal(keyring.decrypt(storedCipher), idNumber);
  assert.equal(idNumberIndex(keyring, idNumber), 'ca370ff3e58520b969f3bbd6eee2cc3f8f923ca1940c079e4c89cc5feb258c65');
  assert.equal(phoneIndex(keyring, '13812345678'), 'e63bbf5d7cf306cdc92a3c4c96ac46114b1c19304a2a8efa425deb7e691b5020');
});

test('a keyring built from material() reads and writes what the original does', () => {
  const keyring = createKeyring(master);
  const copy = keyringFromMaterial(structuredClone(keyring.material()));
  const id = protectIdNumber(copy, idNumber);
  assert.match(id.cipher, /^v1:[A-Za-z0-9+/]+=*$/);
  assert.equal(keyring.decrypt(id.cipher), idNumber);
  assert.equal(id.index, idNumberIndex(keyring, idNumber));
  assert.equal(id.masked, '6101**********1233');
  const phone = protectPhone(keyring, '13812345678');
  assert.equal(copy.decrypt(phone.cipher), '13812345678');
  assert.notEqual(protectPhone(keyring, '13812345678').cipher, phone.cipher, 'a fresh nonce every time');
  assert.throws(() => createKeyring(Buffer.alloc(32, 8)).decrypt(storedCipher), 'another key cannot read it');
});
