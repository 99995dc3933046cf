import { isPostgres } from '../db/tree.js';
import type { Db } from '../db/schema.js';
import type { Keyring } from '../personal-data/keyring.js';

// WeChat allows one valid access token per account (a new fetch ends the old one after a short overlap) and 2,000
// fetches a day: one place fetches and caches it, every instance reads the cache, and only one refreshes at a time.

export type StoredToken = { token: string; expiresAt: number };

export type TokenStore = {
  get(appId: string): Promise<StoredToken | null>;
  /**
   * The one refresher: when the stored token is fresh and differs from `stale` (someone else refreshed while this
   * caller waited), that token is returned; otherwise `fetchFresh` runs and its token is stored and returned.
   */
  refresh(
    appId: string,
    fetchFresh: () => Promise<{ token: string; expiresIn: number }>,
    stale: string | null,
  ): Promise<string>;
};

/** A token is refreshed this long before WeChat's expiry, so no call goes out with a token about to lapse. */
export const REFRESH_AHEAD_MS = 5 * 60_000;

export function isUsable(stored: StoredToken | null, now = Date.now()): stored is StoredToken {
  return stored !== null && stored.token !== '' && stored.expiresAt - now > REFRESH_AHEAD_MS;
}

/** Concurrent refreshes of one key in this process share one promise. */
function singleFlight() {
  const flights = new Map<string, Promise<string>>();
  return (key: string, work: () => Promise<string>): Promise<string> => {
    const running = flights.get(key);
    if (running) return running;
    const flight = work().finally(() => flights.delete(key));
    flights.set(key, flight);
    return flight;
  };
}

/** A token cache in this process only (tests, scripts). */
export function memoryTokenStore(): TokenStore {
  const tokens = new Map<string, StoredToken>();
  const flight = singleFlight();
  return {
    async get(appId) {
      return tokens.get(appId) ?? null;
    },
    refresh(appId, fetchFresh, stale) {
      return flight(appId, async () => {
        const stored = tokens.get(appId) ?? null;
        if (isUsable(stored) && stored.token !== stale) return stored.token;
        const fresh = await fetchFresh();
        tokens.set(appId, { token: fresh.token, expiresAt: Date.now() + fresh.expiresIn * 1000 });
        return fresh.token;
      });
    },
  };
}

/** Shared by every dbTokenStore of this process: a client is made per delivery, the refresher is one. */
const processFlight = singleFlight();

/**
 * The token cache in wechat_tokens, the access token encrypted by the keyring. In this process refreshes of one
 * account share one flight; instances sharing a PostgreSQL database refresh one at a time by locking the account's
 * row (a placeholder row is inserted first so there is one to lock). The fetch happens inside the lock, bounded by
 * the client's timeout; whoever waited then finds the new token and uses it instead of fetching again. Never call
 * it inside a transaction of your own.
 */
export function dbTokenStore(db: Db, keyring: Keyring): TokenStore {
  const flight = processFlight;

  const decode = (row: { access_token: string; expires_at: string } | undefined): StoredToken | null =>
    row && row.access_token !== ''
      ? { token: keyring.decrypt(row.access_token), expiresAt: Date.parse(row.expires_at) }
      : null;

  return {
    async get(appId) {
      const row = await db
        .selectFrom('wechat_tokens')
        .select(['access_token', 'expires_at'])
        .where('app_id', '=', appId)
        .executeTakeFirst();
      return decode(row);
    },
    refresh(appId, fetchFresh, stale) {
      // SQLite serves one process, and one connection for it: the in-process single flight is the one refresher, and
      // holding a transaction across the fetch would stall every other query of the app meanwhile.
      if (!isPostgres(db)) return flight(appId, () => refreshIn(db, appId, fetchFresh, stale));
      return flight(appId, () => db.transaction().execute((trx) => refreshIn(trx, appId, fetchFresh, stale)));
    },
  };

  async function refreshIn(
    trx: Db,
    appId: string,
    fetchFresh: () => Promise<{ token: string; expiresIn: number }>,
    stale: string | null,
  ): Promise<string> {
    const epoch = new Date(0).toISOString();
    await trx
      .insertInto('wechat_tokens')
      .values({ app_id: appId, access_token: '', expires_at: epoch, refreshed_at: epoch })
      .onConflict((oc) => oc.column('app_id').doNothing())
      .execute();
    let locked = trx.selectFrom('wechat_tokens').select(['access_token', 'expires_at']).where('app_id', '=', appId);
    if (isPostgres(trx)) locked = locked.forUpdate();
    const stored = decode(await locked.executeTakeFirst());
    if (isUsable(stored) && stored.token !== stale) return stored.token;
    const fresh = await fetchFresh();
    const now = Date.now();
    await trx
      .updateTable('wechat_tokens')
      .set({
        access_token: keyring.encrypt(fresh.token),
        expires_at: new Date(now + fresh.expiresIn * 1000).toISOString(),
        refreshed_at: new Date(now).toISOString(),
      })
      .where('app_id', '=', appId)
      .execute();
    return fresh.token;
  }
}
