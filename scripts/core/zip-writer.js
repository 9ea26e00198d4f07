/**
 * The bytes of a package's ZIP, from its entries already checked and sorted (sortZipItems in
 * packaging.ts): each file deflated at level 9 and laid out as ZIP_LAYOUT below says.
 *
 * Plain JavaScript (typed in JSDoc, checked by tsc like the rest), on purpose: the worker
 * threads that zip on other cores (scripts/io/zip-pool.ts) load only this file, and a thread
 * that loads no TypeScript does not load Node's type stripper either, which would cost each
 * thread some 30 MiB.
 */
import { crc32, deflateRawSync } from "node:zlib";

/**
 * @typedef {object} ZipItem
 * @property {Buffer} name The entry's name inside the archive ("slug/dir/file.php", "slug/dir/").
 * @property {Buffer | null} content Null for a folder.
 */

/*
 * ZIP_LAYOUT: the records, field by field, as zip-stream 7 (archiver 8) wrote them for
 * append(Buffer, { name, date, mode }) with zlib level 9; a package's recorded sha256 is over
 * exactly these bytes, so none of it may change (test/scale.test.ts compares with archiver).
 * - A folder: stored, no data descriptor, version needed 1.0, external attributes
 *   (040755 << 16) | 0x10 (MS-DOS directory).
 * - A file with content: deflated, with a data descriptor (general purpose bit 3: the local
 *   header's CRC and sizes are zero, a descriptor with signature follows the data), version
 *   needed 2.0, external attributes (0100644 << 16) | 0x20 (MS-DOS archive).
 * - An empty file: stored, but still flagged and followed by a data descriptor (zip-stream
 *   decided "deflate, with a descriptor" before it saw the empty content), version needed 2.0.
 * - Every name is UTF-8, flagged (bit 11) only when it is not ASCII; no extra fields, no
 *   comments; central headers "made by" Unix, version 4.5.
 */
const SIGNATURE = { local: 0x04034b50, descriptor: 0x08074b50, central: 0x02014b50, end: 0x06054b50 };
const FLAG_DESCRIPTOR = 1 << 3;
const FLAG_UTF8 = 1 << 11;
const MADE_BY_UNIX_45 = (3 << 8) | 45;

/**
 * The ZIP of these items (sorted, checked), every entry dated `time` (milliseconds since the epoch).
 * @param {ZipItem[]} items
 * @param {number} time
 * @returns {Buffer}
 */
export function zipSortedItems(items, time) {
  if (items.length > 0xffff) throw new Error("refusing to write a ZIP of more than 65535 entries (ZIP64)");
  const dosTime = dosDateTime(new Date(time));
  const records = items.map((item) => {
    const directory = item.content === null;
    const content = item.content ?? Buffer.alloc(0);
    const data = content.length > 0 ? deflateRawSync(content, { level: 9 }) : null;
    const ascii = item.name.every((byte) => byte < 0x80);
    if (content.length > 0xfffffffe || (data?.length ?? 0) > 0xfffffffe)
      throw new Error("refusing to write a ZIP entry of 4 GiB or more (ZIP64)");
    return {
      name: item.name,
      directory,
      size: content.length,
      crc: content.length > 0 ? crc32(content) : 0,
      data,
      compressedSize: data?.length ?? 0,
      flags: (directory ? 0 : FLAG_DESCRIPTOR) | (ascii ? 0 : FLAG_UTF8),
      method: data ? 8 : 0,
      versionNeeded: directory ? 10 : 20,
      attributes: directory ? ((0o40755 << 16) | 0x10) >>> 0 : ((0o100644 << 16) | 0x20) >>> 0,
      offset: 0,
    };
  });
  const localSize = records.reduce(
    (sum, record) => sum + 30 + record.name.length + record.compressedSize + (record.directory ? 0 : 16),
    0,
  );
  const centralSize = records.reduce((sum, record) => sum + 46 + record.name.length, 0);
  if (localSize + centralSize > 0xfffffffe) throw new Error("refusing to write a ZIP of 4 GiB or more (ZIP64)");
  const out = Buffer.alloc(localSize + centralSize + 22);
  let at = 0;
  for (const record of records) {
    record.offset = at;
    at = out.writeUInt32LE(SIGNATURE.local, at);
    at = out.writeUInt16LE(record.versionNeeded, at);
    at = out.writeUInt16LE(record.flags, at);
    at = out.writeUInt16LE(record.method, at);
    at = out.writeUInt32LE(dosTime, at);
    // With a data descriptor the CRC and sizes come after the data; a folder's are all zero.
    at = out.writeUInt32LE(0, at);
    at = out.writeUInt32LE(0, at);
    at = out.writeUInt32LE(0, at);
    at = out.writeUInt16LE(record.name.length, at);
    at = out.writeUInt16LE(0, at);
    at += record.name.copy(out, at);
    if (record.data) at += record.data.copy(out, at);
    if (!record.directory) {
      at = out.writeUInt32LE(SIGNATURE.descriptor, at);
      at = out.writeUInt32LE(record.crc, at);
      at = out.writeUInt32LE(record.compressedSize, at);
      at = out.writeUInt32LE(record.size, at);
    }
  }
  const centralOffset = at;
  for (const record of records) {
    at = out.writeUInt32LE(SIGNATURE.central, at);
    at = out.writeUInt16LE(MADE_BY_UNIX_45, at);
    at = out.writeUInt16LE(record.versionNeeded, at);
    at = out.writeUInt16LE(record.flags, at);
    at = out.writeUInt16LE(record.method, at);
    at = out.writeUInt32LE(dosTime, at);
    at = out.writeUInt32LE(record.crc, at);
    at = out.writeUInt32LE(record.compressedSize, at);
    at = out.writeUInt32LE(record.size, at);
    at = out.writeUInt16LE(record.name.length, at);
    at = out.writeUInt16LE(0, at); // extra
    at = out.writeUInt16LE(0, at); // comment
    at = out.writeUInt16LE(0, at); // disk
    at = out.writeUInt16LE(0, at); // internal attributes
    at = out.writeUInt32LE(record.attributes, at);
    at = out.writeUInt32LE(record.offset, at);
    at += record.name.copy(out, at);
  }
  const centralEnd = at;
  at = out.writeUInt32LE(SIGNATURE.end, at);
  at = out.writeUInt16LE(0, at);
  at = out.writeUInt16LE(0, at);
  at = out.writeUInt16LE(records.length, at);
  at = out.writeUInt16LE(records.length, at);
  at = out.writeUInt32LE(centralEnd - centralOffset, at);
  at = out.writeUInt32LE(centralOffset, at);
  out.writeUInt16LE(0, at);
  return out;
}

/**
 * The MS-DOS date and time of `date` in UTC, clamped to 1980..2043 as zip-stream does.
 * @param {Date} date
 * @returns {number}
 */
function dosDateTime(date) {
  const year = date.getUTCFullYear();
  if (year < 1980) return 2162688;
  if (year >= 2044) return 2141175677;
  return (
    (((year - 1980) << 25) |
      ((date.getUTCMonth() + 1) << 21) |
      (date.getUTCDate() << 16) |
      (date.getUTCHours() << 11) |
      (date.getUTCMinutes() << 5) |
      (date.getUTCSeconds() / 2)) >>>
    0
  );
}
