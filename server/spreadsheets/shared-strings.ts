import { unsupportedFile } from './detect.js';

/**
 * The shared-string table of an xlsx, compact. Excel stores every text cell once in xl/sharedStrings.xml and
 * refers to it by index, so a million-row sheet saved by Excel brings millions of strings (ID numbers, phones,
 * member numbers: most of them unique) that must all be at hand while its rows are read. As JS strings they would
 * cost 40–60 bytes each on the heap; here each block of 16,384 strings is one UTF-8 buffer (outside the heap:
 * the garbage collector never walks it) with a table of offsets, and a lookup decodes one slice. Rich text is
 * kept as its plain text: that is all an import reads of it.
 */
export type SharedStrings = { readonly length: number; get: (index: number) => string | undefined };

const blockSize = 16_384;

/**
 * The most a workbook's shared strings may hold: several times what a register of two million members needs, and
 * far below the 2 GB a zip may declare. Without it a sheet of a few MB could ask for gigabytes of strings.
 */
export type SharedStringLimits = { maxChars: number; maxCount: number };
export const defaultSharedStringLimits: SharedStringLimits = { maxChars: 128 * 1024 * 1024, maxCount: 16_000_000 };

export function sharedStringStore(
  limits: SharedStringLimits = defaultSharedStringLimits,
): SharedStrings & { add: (text: string) => void } {
  const blocks: Buffer[] = [];
  const offsets: Uint32Array[] = [];
  let pending: string[] = [];
  let length = 0;
  let chars = 0;
  const seal = () => {
    const ends = new Uint32Array(pending.length);
    let end = 0;
    pending.forEach((text, i) => {
      end += Buffer.byteLength(text, 'utf8');
      ends[i] = end;
    });
    const block = Buffer.allocUnsafeSlow(end);
    pending.forEach((text, i) => block.write(text, i === 0 ? 0 : ends[i - 1], 'utf8'));
    blocks.push(block);
    offsets.push(ends);
    pending = [];
  };
  return {
    get length() {
      return length;
    },
    add(text) {
      // Counted as added, not as sealed: a block of 16,384 strings is otherwise unbounded. Held as UTF-8, 128 M
      // characters are at most 384 MB (CJK), and 128 MB of ASCII.
      chars += text.length;
      if (chars > limits.maxChars || length >= limits.maxCount) {
        throw unsupportedFile('工作簿中的文字过多（共享字符串超出上限），已拒绝处理：请拆分后分批上传');
      }
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
      return blocks[block].toString('utf8', at === 0 ? 0 : ends[at - 1], ends[at]);
    },
  };
}
