// The one escaping helper of the news pages: every value put into a template with `html` is escaped, unless it is
// markup made by `html` itself or stored bulletin HTML let through with `sanitized` (it passed
// sanitizeBulletinHtml before it was stored).

const brand = Symbol('safe html');

export type SafeHtml = { readonly [brand]: true; readonly value: string };
type Interpolation = SafeHtml | string | number | null | undefined | false | Interpolation[];

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]);
}

function safe(value: string): SafeHtml {
  return { [brand]: true, value };
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object') return value.value;
  return escapeHtml(String(value));
}

/**
 * The template's own line breaks and indentation (Prettier lays the templates out as HTML) left out of the page: gone
 * between tags, one space elsewhere (inside a tag, in text or CSS). Only the template's text: values, and stored
 * bulletin HTML above all, keep their whitespace.
 */
function compact(text: string, first: boolean, last: boolean): string {
  return text.replace(/\s*\n\s*/g, (match: string, offset: number) => {
    const before = offset === 0 ? (first ? '>' : '') : text[offset - 1];
    const after = offset + match.length === text.length ? (last ? '<' : '') : text[offset + match.length];
    return (before === '>' || before === '') && (after === '<' || after === '') ? '' : ' ';
  });
}

/** A template whose interpolations are escaped (text and attribute values alike: quote every attribute). */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  const last = strings.length - 1;
  let out = compact(strings[0], true, last === 0);
  for (let i = 0; i < values.length; i++) out += render(values[i]) + compact(strings[i + 1], false, i + 1 === last);
  return safe(out);
}

/** Bulletin HTML from the database, sanitised before it was stored. */
export function sanitized(storedHtml: string): SafeHtml {
  return safe(storedHtml);
}
