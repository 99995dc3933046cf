import fc from 'fast-check';
import { z } from 'zod';
import { nextIdNumber } from './people-factories.js';

// Generators for the hostile-input properties (server/http/hostile.test.ts). Two kinds of body: shapes the schema
// refuses (wrong types, pollution keys, nesting, bytes that are no text), and shapes it accepts whose strings are
// hostile (NUL, lone surrogates, bidi overrides, formulas, markup, the longest allowed): only those reach the
// services and the database, where a NUL was a 500 on PostgreSQL.

/** The top-level keys a zod schema takes, through optional, default, pipe and union wrappers. */
export function keysOf(schema: unknown, depth = 0): string[] {
  if (!(schema instanceof z.ZodType) || depth > 6) return [];
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  const def = schema._zod.def as {
    innerType?: unknown;
    in?: unknown;
    options?: unknown[];
    left?: unknown;
    right?: unknown;
  };
  const inner = [def.innerType, def.in, def.left, def.right, ...(def.options ?? [])];
  return [...new Set(inner.flatMap((s) => keysOf(s, depth + 1)))];
}

// ---- Arbitraries ----------------------------------------------------------------------------------------------------

const unreserved = /[A-Za-z0-9\-._~]/;
/** Percent-encodes bytes (so that invalid UTF-8 and lone surrogates can travel in a URL). */
export const pct = (bytes: Uint8Array) =>
  [...bytes]
    .map((b) =>
      unreserved.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
export const pctText = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return pct(Buffer.from(text, 'utf8')); // a lone surrogate: its replacement character's bytes
  }
};

const oddStrings = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202e',
  '=1+1',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  '１２３',
  'NaN',
  'null',
  'true',
  '-0',
  '1e400',
  '2147483648',
  '9'.repeat(400),
  '{"a":1}',
  '2026-02-30',
  '61010220000101001X',
];
const hugeString = fc.integer({ min: 40_000, max: 350_000 }).map((n) => '团'.repeat(n));
export const oddString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom(...oddStrings) },
  { weight: 1, arbitrary: hugeString },
);
export const oddNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_VALUE, 1e-300, 1e21),
);
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: oddString },
  { weight: 3, arbitrary: oddNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.array(fc.oneof(oddNumber, oddString), { maxLength: 5 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

export type Body = { what: string; payload: string | Buffer };
const json =
  (what: string) =>
  (value: unknown): Body => ({ what, payload: JSON.stringify(value) ?? 'null' });

/** Strings a schema with these length bounds accepts, each hostile in its own way. */
function hostileText(min: number, max: number): fc.Arbitrary<string> {
  const fit = (text: string) => (text.length < min ? text.padEnd(min, '团') : text.slice(0, max));
  return fc.oneof(
    {
      // What the database or the decoder may choke on, first: a NUL was a 500 on PostgreSQL in any query.
      weight: 3,
      arbitrary: fc.constantFrom('a\u0000b', '\u0000', 'a\ud800b', '\udfff').map(fit),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          '\u202e名字',
          '=1+1',
          '+SUM(1,1)',
          '-1+1',
          '@A1',
          '<script>alert(1)</script>',
          "'; drop table orgs; --",
          '%00',
          '..\\..\\x',
          '\t\r\n',
          '１２３ＡＢＣ',
          '𠮷野家',
          'x'.repeat(max),
          '团'.repeat(max),
          ' ',
        )
        .map(fit),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, 40) }) },
  );
}

type CheckDef = {
  check?: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  pattern?: RegExp;
  format?: string;
};
type SchemaDef = {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  shape?: Record<string, z.ZodType>;
  format?: string;
  pattern?: RegExp;
};

/** Ids of real rows: all of them, and by kind (the path segment: orgs, members, cadres …). */
export type Ids = { all: readonly number[]; byKind: Readonly<Record<string, readonly number[]>> };

/** The kind of row a field names by its name: orgId, toParentId → orgs; memberIds, introducer1Id → members … */
function kindOfKey(key: string): string | null {
  const name = key.toLowerCase();
  if (!/ids?$/.test(name)) return null;
  const kinds: [RegExp, string][] = [
    [/org|parent/, 'orgs'],
    [/cadre/, 'cadres'],
    [/member|introducer/, 'members'],
    [/campaign/, 'campaigns'],
    [/channel/, 'channels'],
    [/contact/, 'contacts'],
    [/applicant/, 'applicants'],
    [/user/, 'users'],
    [/indicator/, 'indicators'],
  ];
  return kinds.find(([pattern]) => pattern.test(name))?.[1] ?? null;
}

/** A date people type: valid, between 2000 and today (most dates may not be in the future). */
const plainDate = fc
  .date({ min: new Date('2000-01-01'), max: new Date(), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** Benign text fitting the bounds, so that one hostile field at a time is what a body is about. */
function plainText(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .constantFrom('测试', '张三', '区划调整', '备注内容', '团支部活动', 'abc')
    .map((text) => (text.length < min ? text.padEnd(min, '团') : text.slice(0, Math.max(max, 1))));
}

/** Values for fields whose rules a random string never meets, by the field's name. */
function byName(key: string): fc.Arbitrary<unknown> | null {
  if (/phone/i.test(key)) return fc.integer({ min: 0, max: 99_999_999 }).map((n) => `138${String(n).padStart(8, '0')}`);
  if (/idNumber/i.test(key)) return fc.constant(undefined).map(() => nextIdNumber());
  if (/email/i.test(key)) return fc.constant('tuan@example.cn');
  return null;
}

/**
 * Values in the shape a zod schema describes (types, enums, bounds, patterns, dates), with benign text and ids that
 * name real rows (`ids`) or nothing. Refinements are not followed: some values still fail, as they may.
 */
export function shaped(schema: z.ZodType, ids: Ids, depth = 0, kind: string | null = null): fc.Arbitrary<unknown> {
  const def = schema._zod.def as unknown as SchemaDef;
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  const bound = (name: string) => checks.find((c) => c.check === name);
  if (depth > 6) return fc.constant(undefined);
  switch (def.type) {
    case 'string': {
      const pattern = def.pattern ?? checks.find((c) => c.check === 'string_format')?.pattern;
      if (def.format === 'date' || (pattern && pattern.source.includes('\\d{4}-\\d{2}-\\d{2}'))) return plainDate;
      if (pattern) return fc.stringMatching(pattern);
      return plainText(bound('min_length')?.minimum ?? 0, bound('max_length')?.maximum ?? 200);
    }
    case 'number': {
      const min = bound('greater_than')?.value ?? -(2 ** 31);
      const max = bound('less_than')?.value ?? 2 ** 31;
      const inRange = ((kind && ids.byKind[kind]) || ids.all).filter((id) => id >= min && id <= max);
      return fc.oneof(
        inRange.length > 0 ? fc.constantFrom(...inRange) : fc.constant(min),
        fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }),
        fc.constantFrom(min, max),
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? { x: 'x' }));
    case 'literal':
      return fc.constantFrom(...(def.values ?? [null]));
    case 'array':
      return fc.array(shaped(def.element!, ids, depth + 1, kind), {
        minLength: bound('min_length')?.minimum ?? 0,
        maxLength: Math.min(bound('max_length')?.maximum ?? 3, Math.max(bound('min_length')?.minimum ?? 0, 3)),
      });
    case 'object': {
      const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
      return fc.record(
        Object.fromEntries(
          Object.entries(shape).map(([k, v]) => [k, byName(k) ?? shaped(v, ids, depth + 1, kindOfKey(k))]),
        ),
        { requiredKeys: Object.keys(shape).filter((k) => !['optional', 'default'].includes(shape[k]._zod.def.type)) },
      );
    }
    case 'optional':
    case 'default':
      return fc.option(shaped(def.innerType!, ids, depth + 1, kind), { nil: undefined, freq: 3 });
    case 'nullable':
      return fc.option(shaped(def.innerType!, ids, depth + 1, kind), { nil: null, freq: 3 });
    case 'pipe':
      return shaped(def.in!, ids, depth + 1, kind);
    case 'union':
      return fc.oneof(...(def.options ?? []).map((o) => shaped(o, ids, depth + 1, kind)));
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** The schema's shape with one field, or none, made hostile: a string of `hostileText`, or any odd value. */
export function shapedWithOneHostile(schema: z.ZodType, ids: Ids): fc.Arbitrary<unknown> {
  const keys = keysOf(schema);
  return fc
    .tuple(
      shaped(schema, ids),
      fc.option(fc.constantFrom(...(keys.length > 0 ? keys : ['x'])), { freq: 1 }),
      fc.oneof({ weight: 3, arbitrary: hostileText(1, 60) }, { weight: 1, arbitrary: oddValue }),
    )
    .map(([value, key, hostile]) =>
      key === null || typeof value !== 'object' || value === null ? value : { ...value, [key]: hostile },
    );
}

/** Bodies for a route: its schema's shape, wrong types, pollution keys, deep nesting, bytes that are no text. */
export function bodies(schema: unknown, ids: Ids): fc.Arbitrary<Body> {
  const keys = keysOf(schema);
  const known = keys.length > 0 ? fc.constantFrom(...keys) : fc.string({ maxLength: 10 });
  const fields = fc.dictionary(
    fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
    oddValue,
    {
      maxKeys: 6,
    },
  );
  const pollution = fc.constantFrom(
    '"__proto__":{"isAdmin":true,"role":"system_admin"}',
    '"constructor":{"prototype":{"isAdmin":true}}',
    '"__proto__":null',
    '"\\u005f_proto__":{"isAdmin":true}',
    '"prototype":{"x":1}',
  );
  return fc.oneof(
    ...(schema instanceof z.ZodType
      ? [
          {
            weight: 10,
            arbitrary: shapedWithOneHostile(schema, ids).map(json('the shape of the schema, one field hostile')),
          },
        ]
      : []),
    { weight: 4, arbitrary: fields.map(json('fields with wrong types')) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json('any JSON value')) },
    {
      weight: 2,
      arbitrary: fc.tuple(pollution, fields).map(([bad, rest]) => ({
        what: 'a prototype-pollution key',
        payload: `{${bad}${Object.keys(rest).length > 0 ? `,${JSON.stringify(rest).slice(1)}` : '}'}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(known, fc.integer({ min: 1_000, max: 200_000 }), fc.boolean())
        .map(([key, depth, arrays]) => ({
          what: `${depth} levels of nesting`,
          payload: arrays
            ? `{${JSON.stringify(key)}:${'['.repeat(depth)}${']'.repeat(depth)}}`
            : `{${JSON.stringify(key)}:${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(known, fc.uint8Array({ minLength: 1, maxLength: 24 })).map(([key, bytes]) => ({
        what: 'raw bytes in a string',
        payload: Buffer.concat([Buffer.from(`{${JSON.stringify(key)}:"`), Buffer.from(bytes), Buffer.from('"}')]),
      })),
    },
    {
      weight: 1,
      arbitrary: fc.string({ maxLength: 60 }).map((text) => ({ what: 'text that is no JSON', payload: text })),
    },
  );
}

// Long enough to pass any length limit, short enough to stay a URL (Node refuses request lines beyond 16 KB).
const longQueryString = fc.integer({ min: 1_000, max: 5_000 }).map((n) => '团'.repeat(n));
const queryValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        oddString.filter((v) => v.length < 1_000),
        longQueryString,
      )
      .map(pctText),
  },
  { weight: 2, arbitrary: oddNumber.map((n) => pctText(String(n))) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('%', '%E4%B8', '%FF%FE', '%00', '%2', '+', '%2B', 'a%26b%3Dc', '', '[]', '%5B%5D'),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map(pct) },
);
/** An object as a query string: arrays as repeated keys, every value percent-encoded. */
export function queryString(value: unknown): string {
  return Object.entries(typeof value === 'object' && value !== null ? value : {})
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? (v as unknown[]) : [v])
        .filter((x) => x !== undefined)
        .map((x) => `${k}=${pctText(typeof x === 'string' ? x : JSON.stringify(x))}`),
    )
    .join('&');
}

/** A query string: the schema's own shape with hostile strings, or keys and values of any kind. */
export function queries(schema: unknown, ids: Ids): fc.Arbitrary<string> {
  const keys = keysOf(schema);
  const key = fc.oneof(
    { weight: 4, arbitrary: keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('q') },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'a[b]', 'orgId[]', '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map(pctText) },
  );
  const loose = fc
    .array(fc.tuple(key, queryValue), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
  if (!(schema instanceof z.ZodType)) return loose;
  const fromShape = shapedWithOneHostile(schema, ids).map(queryString);
  return fc.oneof({ weight: 2, arbitrary: fromShape }, { weight: 1, arbitrary: loose });
}

/** The object schema inside wrappers (optional, default, pipe …), or null. */
function objectOf(schema: unknown, depth = 0): z.ZodObject | null {
  if (!(schema instanceof z.ZodType) || depth > 6) return null;
  if (schema instanceof z.ZodObject) return schema;
  const def = schema._zod.def as unknown as SchemaDef;
  return objectOf(def.innerType ?? def.in, depth + 1);
}

/** Free-text fields of an object schema (strings without a pattern or format) and their longest allowed length. */
export function freeTextFields(schema: unknown): { key: string; max: number }[] {
  const object = objectOf(schema);
  if (!object) return [];
  const fields: { key: string; max: number }[] = [];
  for (const [key, field] of Object.entries(object.shape)) {
    let inner: z.ZodType | undefined = field;
    for (let i = 0; inner && i < 6 && inner._zod.def.type !== 'string'; i++) {
      const def = inner._zod.def as unknown as SchemaDef;
      inner = def.innerType ?? def.in;
    }
    if (!inner || inner._zod.def.type !== 'string') continue;
    const def = inner._zod.def as unknown as SchemaDef;
    const checks = (def.checks ?? []).map((c) => c._zod.def);
    if (def.format || def.pattern || checks.some((c) => c.check === 'string_format')) continue;
    fields.push({ key, max: checks.find((c) => c.check === 'max_length')?.maximum ?? 10_000 });
  }
  return fields;
}

/** What each free-text field is given in turn: what PostgreSQL or a decoder chokes on, and the longest allowed. */
export const poisons = (max: number) => [
  { what: 'a NUL', value: 'a\u0000b' },
  { what: 'a lone surrogate', value: 'a\ud800b' },
  { what: 'a bidi override', value: '\u202e测试' },
  { what: `the longest allowed (${max})`, value: '团'.repeat(max) },
];
