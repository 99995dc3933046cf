// A polyglot is a file that two programs read as two things: a PNG that a browser, sniffing, runs as HTML; a GIF
// that is also a Java archive; a JPEG with a PDF or a zip behind its end. The magic bytes say what the file claims
// to be; these checks make sure it is only that. Stored files are served as attachments with nosniff whatever they
// hold: refusing polyglots keeps them out of the store, where a backup, an export or another viewer could meet them.

type ImageMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';
const images: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] satisfies ImageMime[];

/**
 * Text that makes a browser, a template engine or an XML viewer run the file, looked for in every byte (deflate's
 * stored blocks put any bytes in a PNG's image data). Each is five characters or more, so that compressed image
 * data holds one by chance about once in ten thousand uploads of 5 MB.
 */
const markup = /<(?:script|html|body|iframe|svg[\s/>]|!doctype|\?php|\?xml-stylesheet)/;
/** Other containers, as their readers find them anywhere in what follows the image. */
const containers = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('%PDF-', 'latin1'), Buffer.from('Rar!', 'latin1')];

/** Where the image's own bytes end, walking its structure; null when it does not parse to its end marker. */
function imageEnd(bytes: Buffer, mime: ImageMime): number | null {
  switch (mime) {
    case 'image/png':
      return pngEnd(bytes);
    case 'image/gif':
      return gifEnd(bytes);
    case 'image/jpeg':
      return jpegEnd(bytes);
    case 'image/webp': {
      const end = bytes.length >= 12 ? 8 + bytes.readUInt32LE(4) : Infinity;
      return end <= bytes.length ? end : null;
    }
  }
}

/** Chunks from the signature: IHDR first, each within the file, up to IEND. */
function pngEnd(bytes: Buffer): number | null {
  let at = 8;
  for (let first = true; at + 12 <= bytes.length; first = false) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type) || (first && type !== 'IHDR')) return null;
    const next = at + 12 + length;
    if (next > bytes.length) return null;
    if (type === 'IEND') return next;
    at = next;
  }
  return null;
}

/** The header, screen descriptor and colour table, then extensions and images (sub-blocks) up to the trailer. */
function gifEnd(bytes: Buffer): number | null {
  if (bytes.length < 13) return null;
  const table = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  let at = 13 + table(bytes[10]);
  const subBlocks = () => {
    while (at < bytes.length && bytes[at] !== 0) at += bytes[at] + 1;
    at += 1;
  };
  while (at < bytes.length) {
    const block = bytes[at];
    if (block === 0x3b) return at + 1;
    if (block === 0x21) {
      at += 2;
      subBlocks();
    } else if (block === 0x2c) {
      if (at + 10 > bytes.length) return null;
      at += 10 + table(bytes[at + 9]) + 1; // descriptor, local colour table, LZW minimum code size
      subBlocks();
    } else {
      return null;
    }
  }
  return null;
}

/** Marker segments from SOI; after each scan (SOS) the entropy-coded data up to the next marker; up to EOI. */
function jpegEnd(bytes: Buffer): number | null {
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) return at + 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) return null;
    at += 2 + bytes.readUInt16BE(at + 2);
    if (marker !== 0xda) continue;
    // Entropy-coded data: 0xFF is followed by 0x00 (a stuffed byte) or a restart marker inside it.
    while (at + 1 < bytes.length) {
      if (bytes[at] === 0xff && bytes[at + 1] !== 0 && !(bytes[at + 1] >= 0xd0 && bytes[at + 1] <= 0xd7)) break;
      at += 1;
    }
  }
  return null;
}

/** A zip's end-of-central-directory record where zip readers look for it: at the very end, after its comment. */
function endsAsZip(bytes: Buffer): boolean {
  const from = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= from; at--) {
    if (bytes.readUInt32LE(at) === 0x06054b50 && at + 22 + bytes.readUInt16LE(at + 20) === bytes.length) return true;
  }
  return false;
}

/**
 * Why the bytes are more than the image or PDF their magic bytes announce, or null: an image that does not parse
 * to its end marker, markup anywhere, an archive or a PDF behind the image's end, a zip directory at the end.
 * One pass over at most the upload limit (a few MB), already in memory.
 */
export function polyglotProblem(
  bytes: Buffer,
  mime: string,
): 'markup' | 'zip' | 'pdf' | 'structure' | 'trailer' | null {
  const text = bytes.toString('latin1').toLowerCase();
  if (markup.test(text)) return 'markup';
  if (endsAsZip(bytes)) return 'zip';
  if (!images.includes(mime)) return null;
  if (text.slice(0, 1024).includes('%pdf-')) return 'pdf'; // PDF readers look for their header that far
  const end = imageEnd(bytes, mime as ImageMime);
  if (end === null) return 'structure';
  const trailer = bytes.subarray(end);
  if (containers.some((signature) => trailer.includes(signature))) return 'trailer';
  return null;
}
