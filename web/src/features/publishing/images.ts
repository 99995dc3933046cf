// What the server takes as a bulletin image (server/files/store.ts sniffs the bytes; TUANJIAN_MAX_IMAGE_MB, 5 MB by
// default): checked here too so a person hears at once, not after uploading 20 MB.

export const imageAccept = 'image/png,image/jpeg,image/webp,image/gif';
const maxImageBytes = 5 * 1024 * 1024;

export function imageTooLarge(file: File): boolean {
  return file.size > maxImageBytes;
}
