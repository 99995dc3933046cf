/**
 * The shared-string table of an xlsx, compact. Excel stores every text cell once in xl/sharedStrings.xml and
 * refers to it by index, so a million-row sheet saved by Excel brings millions of strings that must all be at
 * hand while its rows are read. As separate JS strings in an array (exceljs's cache) they cost 40–60 bytes each;
 * here they are joined into one string per block of 16,384 with a table of offsets: a few bytes each, and a
 * lookup is one substring. Rich text is kept as its plain text: that is all an import reads of it.
 */
export type SharedStrings = { readonly length: number; get: (index: number) => string | undefined };

const blockSize = 16_384;

export function sharedStringStore(): SharedStrings & { add: (text: string) => void } {
  const blocks: string[] = [];
  const offsets: Uint32Array[] = [];
  let pending: string[] = [];
  let length = 0;
  const seal = () => {
    const ends = new Uint32Array(pending.length);
    let end = 0;
    pending.forEach((text, i) => {
      end += text.length;
      ends[i] = end;
    });
    blocks.push(pending.join(''));
    offsets.push(ends);
    pending = [];
  };
  return {
    get length() {
      return length;
    },
    add(text) {
      pending.push(text);
      length++;
      if (pending.length === blockSize) seal();
    },
    get(index) {
      if (!Number.isInteger(index) || index < 0 || index >= length) return undefined;
      const block = Math.floor(index / blockSize);
      const at = index % blockSize;
      if (block === blocks.length) return pending[at];
      const ends = offsets[block];
      return blocks[block].slice(at === 0 ? 0 : ends[at - 1], ends[at]);
    },
  };
}

/** The plain text of a shared string as exceljs emits it: a string, or rich text runs. */
export function sharedStringText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'richText' in value && Array.isArray(value.richText)) {
    return (value.richText as { text?: unknown }[])
      .map((run) => (typeof run.text === 'string' ? run.text : ''))
      .join('');
  }
  return '';
}

/**
 * What exceljs's worksheet reader indexes (`sharedStrings[i]`): an array-like view of the store. A Proxy, since
 * the reader takes the table as an array; numeric keys look up, everything else falls through.
 */
export function arrayView(store: SharedStrings): string[] {
  return new Proxy([] as string[], {
    get(target, key, receiver) {
      if (typeof key === 'string' && key !== '' && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57) {
        return store.get(Number(key));
      }
      if (key === 'length') return store.length;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
