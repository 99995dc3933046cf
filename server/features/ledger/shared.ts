import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/schema.js';
import { subtreeRange } from '../../db/tree.js';
import { actorCan, type Actor } from '../../http/actor.js';
import { AppError, invalid } from '../../http/errors.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { normalizePhone, phoneFormatMessage, protectPhone } from '../../personal-data/phone.js';
import { loadVisibleOrg } from '../orgs/service.js';
import type { OrgRow } from '../orgs/repo.js';

// What the ledger features (cadres, channels, contacts, activities) share: list scopes, paging, LIKE escaping.

/** Where a ledger list looks: one org, an org and its subtree, or (operators without an org) everything. */
export type LedgerScope = { orgId: number; path: string; own: boolean } | null;

/**
 * The org a list starts from: the one asked for, else the actor's own org; the operators, who hold no org, see
 * the whole installation. An org outside the actor's subtree answers 404 like a missing one.
 */
export async function resolveLedgerScope(
  db: Executor,
  actor: Actor,
  input: { orgId?: number; scope: 'own' | 'subtree' },
): Promise<LedgerScope> {
  const orgId = input.orgId ?? actor.orgId;
  if (orgId === null) return null;
  const org = await loadVisibleOrg(db, actor, orgId);
  return { orgId: org.id, path: org.path, own: input.scope === 'own' };
}

/** A condition on a row's org id and its org's path columns (qualified names) for a resolved scope. */
export function scopeCondition(scope: LedgerScope, orgIdColumn: string, orgPathColumn: string): RawBuilder<SqlBool> {
  if (scope === null) return sql<SqlBool>`1 = 1`;
  if (scope.own) return sql<SqlBool>`${sql.ref(orgIdColumn)} = ${scope.orgId}`;
  const [lower, upper] = subtreeRange(scope.path);
  return sql<SqlBool>`${sql.ref(orgPathColumn)} >= ${lower} and ${sql.ref(orgPathColumn)} < ${upper}`;
}

export function pageWindow(input: { page: number; pageSize: number }): { offset: number; limit: number } {
  return { offset: (input.page - 1) * input.pageSize, limit: input.pageSize };
}

/** `%text%` with LIKE's own characters escaped; use with `escape '\'`. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The column contains the text (LIKE with its own characters escaped). */
export function contains(column: string, text: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${containsPattern(text)} escape '\\'`;
}

/** A ledger write into a dissolved org is refused: its ledger is closed. */
export function assertOrgOpen(org: OrgRow): void {
  if (org.status !== 'active') throw new AppError('org_dissolved', 409, `“${org.name}”已撤销，不能再登记`);
}

/** Loads an org the actor sees and may write into. */
export async function loadWritableOrg(db: Executor, actor: Actor, orgId: number): Promise<OrgRow> {
  const org = await loadVisibleOrg(db, actor, orgId);
  assertOrgOpen(org);
  return org;
}

export function mayWriteLedger(actor: Actor): boolean {
  return actorCan(actor, 'ledger.write');
}

export function mayReveal(actor: Actor): boolean {
  return actorCan(actor, 'personal.reveal');
}

/** A unique index refused the row (a concurrent writer won the race between our check and our write). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A phone as people type it, normalised; a wrong one is refused without repeating it. */
export function parsePhone(raw: string): string {
  const phone = normalizePhone(raw);
  if (phone === null) throw invalid(phoneFormatMessage, { field: 'phone' });
  return phone;
}

/** The columns that store a protected phone: cipher, blind index, mask. */
export function phoneColumns(keyring: Keyring, raw: string) {
  const { cipher, index, masked } = protectPhone(keyring, parsePhone(raw));
  return { phone_cipher: cipher, phone_index: index, phone_masked: masked };
}

/** The fields a change touched, and from/to only for values that are not personal. */
export function describeChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  personal: readonly string[],
): { fields: string[]; [field: string]: unknown } {
  const fields = Object.keys(after).filter((key) => after[key] !== before[key]);
  const details: { fields: string[]; [field: string]: unknown } = { fields };
  for (const field of fields) {
    if (!personal.includes(field)) details[field] = { from: before[field] ?? null, to: after[field] ?? null };
  }
  return details;
}
