// A zip built while it is sent: entries are stored as they are (PDFs are compressed already), and
// each entry's bytes are read only when the zip reaches it, so one file at a time is in memory.
// Every size is known up front, so the zip's length is too (Content-Length).
import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';

export interface ZipSource {
  /** Path in the zip (UTF-8). */
  name: string;
  /** Exact size of what read() returns. */
  size: number;
  read: () => Promise<Buffer>;
}

const CENTRAL_RECORD_FIXED = 46;
const UNIVERSAL_TIMESTAMP_EXTRA = 9;
const ZIP64_END_RECORD_AND_LOCATOR = 56 + 20;

export function storedZip(sources: readonly ZipSource[], mtime: Date): { stream: Readable; length: number } {
  const zip = new yazl.ZipFile();
  for (const source of sources) {
    zip.addReadStreamLazy(source.name, { compress: false, size: source.size, mtime }, (cb) => {
      source.read().then(
        (data) => cb(null, new PassThrough().end(data)),
        (error: unknown) => cb(error, new PassThrough().end()),
      );
    });
  }
  let calculated = -1;
  // Called at once: every entry is stored with a known size.
  zip.end(undefined, (...total: unknown[]) => {
    calculated = Number(total[0]);
  });
  const stream = zip.outputStream as Readable;
  zip.on('error', (error: Error) => stream.destroy(error));
  return { stream, length: calculated < 0 ? -1 : calculated - yazlOvercount(sources) };
}

/**
 * yazl 3.3.1 counts a Zip64 end-of-central-directory record in its predicted size as soon as the
 * central directory reaches 64 KiB, but writes one only from 4 GiB on (or 65,535 entries): its
 * prediction is then 76 bytes too long (zip-stream.spec.ts pins this down).
 */
function yazlOvercount(sources: readonly ZipSource[]): number {
  if (sources.length >= 0xffff) return 0;
  const centralDirectory = sources.reduce(
    (sum, s) => sum + CENTRAL_RECORD_FIXED + Buffer.byteLength(s.name.replace(/\\/g, '/')) + UNIVERSAL_TIMESTAMP_EXTRA,
    0,
  );
  // Past 4 GiB of data both agree on Zip64 again (a margin covers the headers).
  const data = sources.reduce((sum, s) => sum + s.size, 0);
  return centralDirectory >= 0xffff && data < 0xf0000000 ? ZIP64_END_RECORD_AND_LOCATOR : 0;
}
