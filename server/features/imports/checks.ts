import { chinaToday } from '../../../common/dates.js';
import { maskIdNumber, parseIdNumber } from '../../../common/id-number.js';
import type { RowAction } from '../../../common/imports.js';
import type { Db, Executor } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import type { Keyring } from '../../personal-data/keyring.js';
import { maskPhone, phoneFormatMessage } from '../../personal-data/phone.js';
import {
  cellDate,
  cellInteger,
  cellPhone,
  cellText,
  cleanText,
  isErrorCell,
  type CellValue,
} from '../../spreadsheets/values.js';
import type { TableRow } from '../../spreadsheets/table.js';
import type { TemplateColumn } from './columns.js';
import type { OrgResolver, ResolvedOrg } from './org-resolver.js';
import type { SpoolInput, SpoolRow, SpoolRules } from './spool.js';

// What each kind of import supplies, and the cell checks they share. Messages name the column as the template
// does, so that '第 12 行：手机号码应为 11 位中国大陆手机号' points at a cell people can find.

export type ImportContext = {
  db: Db;
  keyring: Keyring;
  actor: Actor;
  /** The org chosen at upload: rows belong to it unless they name another org inside it. */
  root: ResolvedOrg;
  orgs: OrgResolver;
  today: string;
  campaignId: number | null;
  /** The import's job: member events name it as their source. */
  jobId: number;
};

export type Checked = Omit<SpoolInput, 'row' | 'display'>;

export type KindRun<K extends string> = {
  columns: readonly TemplateColumn<K>[];
  /** Checks a chunk of rows (so that look-ups go to the database once per chunk). */
  check: (rows: readonly TableRow<K>[]) => Promise<Checked[]>;
  display: (values: Record<K, CellValue>) => Record<string, string>;
  /** Rules for duplicates within the file, checked by the spool as rows arrive. */
  spoolRules: SpoolRules;
  /** Classifies a chunk of valid rows against the ledger, and writes it when asked to. */
  apply: (db: Executor, rows: readonly SpoolRow[], write: boolean) => Promise<RowAction[]>;
  /** After the last chunk, in the same transaction: maintained counts, campaign figures. */
  finish: (trx: Executor) => Promise<void>;
  extra: () => { cadresCreated?: number; duplicates?: number };
  /** The tables a large import grows, whose statistics are refreshed afterwards (PostgreSQL). */
  tables: readonly string[];
};

/** A field's checked value, collecting the row's messages as it goes. */
export class RowChecker<K extends string> {
  readonly errors: string[] = [];

  constructor(
    private readonly values: Record<K, CellValue>,
    private readonly labels: Record<K, string>,
    /** 'YYYY-MM-DD' in China: dates of facts may not be later. */
    private readonly today = chinaToday(),
  ) {}

  /** The cell (null when the column is absent); undefined when it holds an error, which is then reported. */
  raw(key: K): CellValue | undefined {
    const value = this.values[key] ?? null;
    if (isErrorCell(value)) {
      this.errors.push(`${this.labels[key]}为公式错误或无计算结果（${value.error}）`);
      return undefined;
    }
    return value;
  }

  text(key: K, max: number, required = false): string | null {
    const value = this.raw(key);
    if (value === undefined) return null;
    const text = cellText(value);
    if (text === '') {
      if (required) this.errors.push(`请填写${this.labels[key]}`);
      return null;
    }
    if ([...text].length > max) {
      this.errors.push(`${this.labels[key]}不能超过 ${max} 个字`);
      return null;
    }
    return text;
  }

  date(key: K, options: { notAfterToday?: boolean } = {}): string | null {
    const value = this.raw(key);
    if (value === undefined) return null;
    const date = cellDate(value);
    if (date === undefined) return null;
    if (date === null) {
      this.errors.push(`${this.labels[key]}“${cellText(value)}”不是有效日期（如 2026-09-30）`);
      return null;
    }
    if (options.notAfterToday && date > this.today) {
      this.errors.push(`${this.labels[key]}不能晚于今天`);
      return null;
    }
    return date;
  }

  integer(key: K, min: number, max: number, required = false): number | null {
    const value = this.raw(key);
    if (value === undefined) return null;
    const number = cellInteger(value);
    if (number === undefined) {
      if (required) this.errors.push(`请填写${this.labels[key]}`);
      return null;
    }
    if (number === null || number < min || number > max) {
      this.errors.push(`${this.labels[key]}应为 ${min}–${max} 的整数`);
      return null;
    }
    return number;
  }

  /** One of a closed list, by its Chinese label (or the stored value itself). */
  choice<V extends string>(key: K, labels: Record<V, string>, extra: Record<string, V> = {}): V | null {
    const text = this.text(key, 40);
    if (text === null) return null;
    const compact = text.replace(/\s/g, '');
    const found =
      (Object.keys(labels) as V[]).find((value) => labels[value] === compact || value === compact) ??
      extra[compact] ??
      null;
    if (found === null) {
      this.errors.push(`${this.labels[key]}“${text}”应为：${Object.values(labels).join('、')}`);
    }
    return found;
  }

  /** A mainland mobile number; a wrong one is named by what was typed, masked when it could be a number. */
  phone(key: K, required = false): string | null {
    const value = this.raw(key);
    if (value === undefined) return null;
    const phone = cellPhone(value);
    if (phone === undefined) {
      if (required) this.errors.push(`请填写${this.labels[key]}`);
      return null;
    }
    if ('phone' in phone) return phone.phone;
    this.errors.push(
      phone.problem === 'lost_digits'
        ? `${this.labels[key]}被保存成了科学计数法（如 1.38E+10），后几位已丢失：请把该列设为文本后重新填写`
        : `${this.labels[key]}${phoneFormatMessage.replace(/^手机号码/, '')}`,
    );
    return null;
  }

  /** `label` names the column in messages when it is not 所属组织 (所在团支部). */
  org(key: K, orgs: OrgResolver, label?: string): ResolvedOrg | null {
    const text = this.text(key, 100) ?? '';
    const resolved = orgs.resolve(text, label);
    if ('error' in resolved) {
      this.errors.push(resolved.error);
      return null;
    }
    return resolved.org;
  }
}

export function labelsOf<K extends string>(columns: readonly TemplateColumn<K>[]): Record<K, string> {
  return Object.fromEntries(columns.map((c) => [c.key, c.header])) as Record<K, string>;
}

/**
 * What a preview or a report shows of a cell. A phone that is a valid number is masked (138****1234). A wrong one
 * is what needs fixing: the uploader's own error report shows it as typed ('typed-phone'); the preview, which
 * anyone who sees the org may read, masks its middle too ('phone').
 */
export function displayCell(value: CellValue | undefined, kind: DisplayKind = 'text'): string {
  if (value === undefined) return '';
  if (kind === 'text') return cellText(value);
  if (kind === 'id_number' || kind === 'typed-id_number') {
    const parsed = typeof value === 'string' ? parseIdNumber(idNumberText(value), chinaToday()) : null;
    if (parsed?.ok) return maskIdNumber(parsed.facts.idNumber);
    const text = cellText(value);
    if (kind === 'typed-id_number') return text;
    return text.length >= 8 ? `${text.slice(0, 4)}****${text.slice(-2)}` : text.replace(/\d/g, '*');
  }
  const phone = cellPhone(value);
  if (phone && 'phone' in phone) return maskPhone(phone.phone);
  const text = cellText(value);
  if (kind === 'typed-phone') return text;
  return text.length >= 7 ? `${text.slice(0, 3)}****${text.slice(-2)}` : text.replace(/\d/g, '*');
}

/** The preview's kind of display for a column, or the uploader's (wrong personal values as typed). */
export type DisplayKind = 'text' | 'phone' | 'typed-phone' | 'id_number' | 'typed-id_number';

/** An ID number cell's text: a leading apostrophe (Excel's "keep as text" mark, typed by hand) is not part of it. */
export function idNumberText(text: string): string {
  return cleanText(text).replace(/^['‘’]/, '');
}
