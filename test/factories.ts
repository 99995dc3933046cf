import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { OrgLevel, OrgType, Role } from '../common/domain.js';
import { nowIso } from '../server/db/tree.js';
import { hashPassword } from '../server/features/auth/passwords.js';
import { insertOrgs, type OrgRow } from '../server/features/orgs/repo.js';
import { accountRow, insertUser } from '../server/features/users/repo.js';
import type { TestContext } from './harness.js';

export const testPassword = 'Correct-Horse-9';
let passwordHash: Promise<string> | null = null;
let sequence = 0;
const unique = () => `${++sequence}${randomBytes(2).toString('hex')}`;

const childLevel: Record<OrgLevel, OrgLevel> = {
  province: 'city',
  city: 'county',
  county: 'township',
  township: 'village',
  village: 'village',
};

/**
 * Creates an org; without a parent, a province is made for it, so any test can start from nothing. Org and user
 * factories need only the database (a test of several server processes seeds one before they start).
 */
export async function makeOrg(
  ctx: Pick<TestContext, 'db'>,
  input: { parent?: OrgRow; name?: string; level?: OrgLevel; type?: OrgType; statCode?: string } = {},
): Promise<OrgRow> {
  const level = input.level ?? (input.parent ? childLevel[input.parent.level] : 'province');
  const type = input.type ?? (level === 'village' ? 'branch' : 'committee');
  const at = nowIso();
  const [id] = await insertOrgs(ctx.db, [
    {
      parent_id: input.parent?.id ?? null,
      name: input.name ?? `测试组织${unique()}`,
      short_name: null,
      type,
      level,
      is_direct: 0,
      region_code: input.statCode ? input.statCode.slice(0, 6) : null,
      stat_code: input.statCode ?? null,
      import_key: null,
      status: 'active',
      phone: null,
      email: null,
      industry: null,
      created_at: at,
      updated_at: at,
      dissolved_at: null,
    },
  ]);
  return ctx.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** A small realistic tree: a province, two cities, a county in each, two townships per county, a village each. */
export async function makeTree(ctx: Pick<TestContext, 'db'>) {
  const province = await makeOrg(ctx, { name: '共青团测试省委员会' });
  const cityA = await makeOrg(ctx, { parent: province, name: '共青团甲市委员会' });
  const cityB = await makeOrg(ctx, { parent: province, name: '共青团乙市委员会' });
  const countyA = await makeOrg(ctx, { parent: cityA, name: '共青团甲县委员会' });
  const countyB = await makeOrg(ctx, { parent: cityB, name: '共青团乙县委员会' });
  const townA1 = await makeOrg(ctx, { parent: countyA, name: '共青团甲一镇委员会', statCode: '610101001000' });
  const townA2 = await makeOrg(ctx, { parent: countyA, name: '共青团甲二镇委员会' });
  const townB1 = await makeOrg(ctx, { parent: countyB, name: '共青团乙一镇委员会' });
  const villageA1 = await makeOrg(ctx, { parent: townA1, name: '甲一村团支部' });
  const villageB1 = await makeOrg(ctx, { parent: townB1, name: '乙一村团支部' });
  return { province, cityA, cityB, countyA, countyB, townA1, townA2, townB1, villageA1, villageB1 };
}

export type TestUser = { id: number; username: string; role: Role; orgId: number | null };

export async function makeUser(
  ctx: Pick<TestContext, 'db'>,
  input: { role: Role; org?: OrgRow | null; mustChangePassword?: boolean; username?: string },
): Promise<TestUser> {
  passwordHash ??= hashPassword(testPassword);
  const username = input.username ?? `user${unique()}`;
  const orgId = input.org?.id ?? null;
  const id = await insertUser(
    ctx.db,
    accountRow({
      username,
      displayName: `测试用户${username}`,
      role: input.role,
      orgId,
      passwordHash: await passwordHash,
      mustChangePassword: input.mustChangePassword ?? false,
    }),
  );
  return { id, username, role: input.role, orgId };
}

/** A logged-in client: every request carries the session cookie and, for state changes, the CSRF token. */
export type Client = {
  user: TestUser;
  cookie: string;
  csrfToken: string;
  request: (options: InjectOptions) => Promise<LightMyRequestResponse>;
  get: (url: string) => Promise<LightMyRequestResponse>;
  post: (url: string, payload?: object) => Promise<LightMyRequestResponse>;
  patch: (url: string, payload: object) => Promise<LightMyRequestResponse>;
};

/** Logs in through the API; `remoteAddress` gives the login its own rate-limit bucket. */
export async function login(
  ctx: TestContext,
  user: TestUser,
  password = testPassword,
  remoteAddress?: string,
): Promise<Client> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    ...(remoteAddress ? { remoteAddress } : {}),
    headers: { 'x-csrf-token': 'login' },
    payload: { username: user.username, password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return clientFrom(ctx, user, response);
}

/** A client on the session a response opened (a login's code step, an enrolment, a password change). */
export function clientFrom(ctx: TestContext, user: TestUser, response: LightMyRequestResponse): Client {
  if (response.statusCode !== 200) throw new Error(`no session: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'tj_sid');
  if (!cookie) throw new Error('the response set no session cookie');
  const csrfToken = response.json<{ csrfToken: string }>().csrfToken;
  const request: Client['request'] = (options) =>
    ctx.app.inject({
      ...options,
      cookies: { tj_sid: cookie.value, ...(options.cookies ?? {}) },
      headers: { 'x-csrf-token': csrfToken, ...(options.headers ?? {}) },
    });
  return {
    user,
    cookie: cookie.value,
    csrfToken,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, payload) => request({ method: 'POST', url, ...(payload ? { payload } : {}) }),
    patch: (url, payload) => request({ method: 'PATCH', url, payload }),
  };
}

export async function loginAs(ctx: TestContext, role: Role, org?: OrgRow | null): Promise<Client> {
  return login(ctx, await makeUser(ctx, { role, org }));
}
