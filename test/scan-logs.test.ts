import assert from 'node:assert/strict';
import test from 'node:test';
import { composeIdNumber } from '../common/id-number.js';
import { scanLogText, knownTestPasswords } from './scan-logs.js';

test('the log scan finds ID numbers, phones and test passwords, and passes hashes, times and masked values', () => {
  const idNumber = composeIdNumber('610102', '2009-03-04', 123);
  const line = (message: string) => JSON.stringify({ level: 30, time: 1795000000000, msg: message });
  assert.deepEqual(
    scanLogText(line(`imported ${idNumber}`)).map((f) => f.kind),
    ['id_number'],
  );
  assert.deepEqual(
    scanLogText(line('phone 13812345678 changed')).map((f) => f.kind),
    ['phone'],
  );
  assert.deepEqual(
    scanLogText(line(`login with ${knownTestPasswords[0]}`)).map((f) => f.kind),
    ['password'],
  );
  const clean = [
    line(`masked ${idNumber.slice(0, 4)}**********${idNumber.slice(-4)} and 138****5678`),
    line('sha256 3f2a1b610102200903041230000000000000000000000000000000000000abcd'),
    line('request took 1795000000000 ms; job 12345678901234'),
  ];
  for (const text of clean) assert.deepEqual(scanLogText(text), [], text);
});
