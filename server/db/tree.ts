import { PostgresAdapter } from 'kysely';
import type { Executor } from './schema.js';

/**
 * Everything under a path (itself included) is the half-open range [path, upper): paths are digits and "/",
 * and "0" sorts right after "/", so "/1/23/" ≤ p < "/1/230" holds exactly for p starting with "/1/23/".
 * Both databases answer it from the path index (PostgreSQL compares the column with collation "C").
 */
export function subtreeRange(path: string): [string, string] {
  return [path, `${path.slice(0, -1)}0`];
}

export function isInSubtree(path: string, ancestorPath: string): boolean {
  return path.startsWith(ancestorPath);
}

/** Ids on a path, top-down, the org itself last. */
export function pathIds(path: string): number[] {
  return path
    .split('/')
    .filter((part) => part !== '')
    .map(Number);
}

/** The parent's path ('/1/5/9/' → '/1/5/'); null for a root. */
export function parentPath(path: string): string | null {
  const ids = pathIds(path);
  return ids.length <= 1 ? null : `/${ids.slice(0, -1).join('/')}/`;
}

export function nowIso(): string {
  return new Date().toISOString();
}

export function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
