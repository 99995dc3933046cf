import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeWechat } from '../../test/fake-wechat.js';
import { openTestDatabase } from '../../test/harness.js';
import { openDatabase } from '../db/database.js';
import type { Db } from '../db/schema.js';
import { createKeyring, loadMasterKey } from '../personal-data/keyring.js';
import { createOfficialAccountClient } from './oa-client.js';
import { dbTokenStore, memoryTokenStore, REFRESH_AHEAD_MS, type TokenStore } from './token-store.js';

// The access-token cache: one fetch however many callers need a token at once, in one process (a single flight)
// and, on PostgreSQL, across instances (a row lock); the token encrypted at rest. WeChat is the fake, which ends
// an account's previous token when a new one is fetched, as WeChat does.

const appId = 'wxstore0000000001';
const fake = await startFakeWechat({
  accounts: [{ appId, secret: 'store-secret', type: 'service', originalId: 'gh_store0000001' }],
  robots: [],
});
after(() => fake.close());

const { handle, dataDir, databaseUrl } = await openTestDatabase();
const keyring = createKeyring(loadMasterKey({ dataKey: randomBytes(32).toString('base64'), dataDir }));

/** A client whose token fetches take a while, so that concurrent callers really overlap. */
function client(tokens: TokenStore) {
  return createOfficialAccountClient({
    baseUrl: fake.url,
    appId,
    appSecret: 'store-secret',
    tokens,
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      if (url.includes('/cgi-bin/token')) await sleep(150);
      return fetch(input, init);
    },
  });
}

async function forget(db: Db) {
  await db.deleteFrom('wechat_tokens').execute();
}

test('memory store: concurrent callers share one fetch', async () => {
  const before = fake.tokenFetches(appId);
  const oa = client(memoryTokenStore());
  const tokens = await Promise.all([oa.accessToken(), oa.accessToken(), oa.getTags().then(() => oa.accessToken())]);
  assert.equal(fake.tokenFetches(appId), before + 1);
  assert.equal(new Set(tokens).size, 1);
});

test('database store: two stores racing for the first token fetch once; the token is stored encrypted', async () => {
  await forget(handle.db);
  const before = fake.tokenFetches(appId);
  const [a, b] = [client(dbTokenStore(handle.db, keyring)), client(dbTokenStore(handle.db, keyring))];
  const [tokenA, tokenB] = await Promise.all([a.accessToken(), b.accessToken()]);
  assert.equal(fake.tokenFetches(appId), before + 1);
  assert.equal(tokenA, tokenB);
  assert.equal(tokenA, fake.currentToken(appId));
  await Promise.all([a.getTags(), b.getTags()]);

  const row = await handle.db.selectFrom('wechat_tokens').selectAll().where('app_id', '=', appId).executeTakeFirst();
  assert.ok(row);
  assert.ok(!row.access_token.includes(tokenA), 'the token is not stored in the clear');
  assert.equal(keyring.decrypt(row.access_token), tokenA);
  const expiresIn = Date.parse(row.expires_at) - Date.now();
  assert.ok(expiresIn > 7000_000 && expiresIn <= 7200_000, `expires in ${expiresIn} ms`);
});

test('database store: callers refused the same stale token fetch one new token between them', async () => {
  const [a, b] = [client(dbTokenStore(handle.db, keyring)), client(dbTokenStore(handle.db, keyring))];
  await a.getTags();
  const before = fake.tokenFetches(appId);
  fake.expireTokens(appId);
  await Promise.all([a.getTags(), b.getTags(), a.getTags()]);
  assert.equal(fake.tokenFetches(appId), before + 1);
});

test('database store: a token about to lapse is refreshed ahead of its expiry', async () => {
  const oa = client(dbTokenStore(handle.db, keyring));
  const old = await oa.accessToken();
  await handle.db
    .updateTable('wechat_tokens')
    .set({ expires_at: new Date(Date.now() + REFRESH_AHEAD_MS - 60_000).toISOString() })
    .where('app_id', '=', appId)
    .execute();
  const before = fake.tokenFetches(appId);
  const fresh = await oa.accessToken();
  assert.notEqual(fresh, old);
  assert.equal(fake.tokenFetches(appId), before + 1);
  assert.equal(await oa.accessToken(), fresh);
  assert.equal(fake.tokenFetches(appId), before + 1);
});

test(
  'PostgreSQL: two instances (own pools, own token-store modules) refreshing at once fetch once',
  { skip: databaseUrl ? false : 'PostgreSQL only: SQLite serves one process' },
  async () => {
    // A second copy of the module stands for another instance: its single flight is not this one's.
    const secondModule = './token-store.js?instance=2';
    const other = (await import(secondModule)) as typeof import('./token-store.js');
    const second = openDatabase({ databaseUrl, dataDir });
    try {
      for (const reason of ['first token', 'stale token']) {
        const a = client(dbTokenStore(handle.db, keyring));
        const b = client(other.dbTokenStore(second.db, keyring));
        if (reason === 'first token') await forget(handle.db);
        else fake.expireTokens(appId);
        const before = fake.tokenFetches(appId);
        const [tokenA, tokenB] = await Promise.all(
          reason === 'first token'
            ? [a.accessToken(), b.accessToken()]
            : [a.getTags().then(() => a.accessToken()), b.getTags().then(() => b.accessToken())],
        );
        assert.equal(fake.tokenFetches(appId), before + 1, reason);
        assert.equal(tokenA, tokenB, reason);
        assert.equal(tokenA, fake.currentToken(appId), reason);
      }
    } finally {
      await second.close();
    }
  },
);
