import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '../common/domain.js';

// The shapes of the authorization table (server/http/authorization.test.ts and the feature parts it merges,
// such as server/http/authorization-people.ts): one row per route, every cell written by hand.

export type Response = LightMyRequestResponse;
export type ActorName = Role | 'anonymous';
/** Org roles are held at countyA; 'inside' objects sit under townA1, 'outside' ones under townB1 (countyB). */
export type Where = 'inside' | 'outside';
export type Caller = {
  name: ActorName;
  request: (options: InjectOptions) => Promise<Response>;
  /** Another session of the same kind, for cells that end or replace their session (logout, password, login). */
  fresh: () => Promise<Caller>;
};

export type Pair = readonly [inside: number, outside: number];
export type ScopedRow = {
  kind: 'scoped';
  expect: Record<ActorName, Pair>;
  call: (c: Caller, where: Where) => Promise<Response>;
};
export type PlainRow = { kind: 'plain'; expect: Record<ActorName, number>; call: (c: Caller) => Promise<Response> };
export type Row = ScopedRow | PlainRow;
export const scoped = (expect: ScopedRow['expect'], call: ScopedRow['call']): Row => ({
  kind: 'scoped',
  expect,
  call,
});
export const plain = (expect: PlainRow['expect'], call: PlainRow['call']): Row => ({ kind: 'plain', expect, call });
export const get = (url: string) => (c: Caller) => c.request({ method: 'GET', url });
