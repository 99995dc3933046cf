import type { FormInstance } from 'antd';
import { ApiError } from './api.js';

type Issue = { path?: unknown; message?: unknown };

/**
 * Puts a server validation error next to the field it concerns, when the server names one: schema errors
 * carry `[{ path: 'body.statCode', message }]`, rule errors `{ field: 'statCode' }`. Returns whether any
 * field took the message, so the caller shows it elsewhere otherwise.
 */
export function applyServerErrors<T>(
  form: FormInstance<T>,
  error: unknown,
  fields: readonly (keyof T & string)[],
): boolean {
  if (!(error instanceof ApiError)) return false;
  const byField = new Map<keyof T & string, string[]>();
  const add = (name: string, message: string) => {
    const field = fields.find((f) => f === name);
    if (!field) return;
    byField.set(field, [...(byField.get(field) ?? []), message]);
  };
  const details = error.details;
  if (Array.isArray(details)) {
    for (const issue of details as Issue[]) {
      if (typeof issue.path !== 'string') continue;
      const field = issue.path.split('.').slice(1)[0] ?? '';
      add(field, typeof issue.message === 'string' ? issue.message : error.message);
    }
  } else if (details && typeof details === 'object' && 'field' in details) {
    const field = details.field;
    if (typeof field === 'string') add(field, error.message);
  }
  if (byField.size === 0) return false;
  // antd's deep name-path type cannot see that a top-level key of T is a valid path for a generic T.
  type Fields = Parameters<FormInstance<T>['setFields']>[0];
  form.setFields(Array.from(byField, ([name, errors]) => ({ name, errors })) as unknown as Fields);
  return true;
}
