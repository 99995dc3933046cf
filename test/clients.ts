import type { Role } from '../common/domain.js';
import type { OrgRow } from '../server/features/orgs/repo.js';
import { login, makeUser, testPassword, type Client, type TestUser } from './factories.js';
import type { TestContext } from './harness.js';

// Security tests need dozens of sessions in one file. The login route allows TUANJIAN_LOGIN_RATE_LIMIT (30) attempts a minute per address
// (covered by the auth tests), so each session here logs in from an address of its own; otherwise these
// clients behave exactly like factories.login: session cookie plus CSRF token on every request.

let addressCounter = 0;

/** A fresh client address from 10.0.0.0/8, so that no two logins share a rate-limit bucket. */
export function nextAddress(): string {
  addressCounter += 1;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

export function loginFrom(ctx: TestContext, user: TestUser, password = testPassword): Promise<Client> {
  return login(ctx, user, password, nextAddress());
}

export async function loginAsFrom(ctx: TestContext, role: Role, org: OrgRow | null = null): Promise<Client> {
  return loginFrom(ctx, await makeUser(ctx, { role, org }));
}

/** Rows in the tables a failed request must leave untouched. */
export async function tableCounts(ctx: TestContext): Promise<Record<string, number>> {
  const tables = ['orgs', 'users', 'org_moves', 'org_history', 'audit_log', 'members'] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await ctx.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** A seeded PRNG (mulberry32): a failing property run can be replayed with the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
