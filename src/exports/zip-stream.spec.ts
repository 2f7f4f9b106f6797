import { describe, expect, it } from '@jest/globals';
import type { Readable } from 'node:stream';
import { readZip } from '../../test/support/zip.js';
import { storedZip, type ZipSource } from './zip-stream.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sources(count: number, nameLength: number): ZipSource[] {
  return Array.from({ length: count }, (_, i) => {
    const data = Buffer.from(`%PDF-1.4 file ${i} ${'x'.repeat(i % 50)}`);
    const name = `E${String(i).padStart(5, '0')}-测试员工-${'n'.repeat(nameLength)}.pdf`;
    return { name, size: data.length, read: () => Promise.resolve(data) };
  });
}

describe('storedZip', () => {
  it.each([
    ['a few entries', 3, 10],
    ['a central directory just under 64 KiB', 400, 70],
    ['a central directory over 64 KiB (yazl over-counts it)', 1000, 80],
  ])('knows its exact length up front, with %s', async (_label, count, nameLength) => {
    const input = sources(count, nameLength);
    const { stream, length } = storedZip(input, new Date('2026-07-01T00:00:00Z'));
    const zip = await collect(stream);
    expect(length).toBe(zip.length);
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(input.map((s) => s.name));
    expect(entries[count - 1].data.toString()).toBe(`%PDF-1.4 file ${count - 1} ${'x'.repeat((count - 1) % 50)}`);
  });

  it('reads each entry only when the zip reaches it', async () => {
    let reads = 0;
    const input = Array.from({ length: 5 }, (_, i) => ({ name: `${i}.pdf`, size: 1, read: () => (reads++, Promise.resolve(Buffer.from('x'))) }));
    const { stream } = storedZip(input, new Date());
    expect(reads).toBeLessThanOrEqual(1);
    await collect(stream);
    expect(reads).toBe(5);
  });

  it('an entry that cannot be read fails the stream', async () => {
    const input = [{ name: 'a.pdf', size: 1, read: () => Promise.reject(new Error('gone')) }];
    await expect(collect(storedZip(input, new Date()).stream)).rejects.toThrow('gone');
  });
});
