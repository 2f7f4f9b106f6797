// PDFs as a reader sees them: the header and trailer are there, and poppler's pdfinfo opens the
// file and counts its pages. Shared by the tests that get PDFs back (export zips, in any client).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from '@jest/globals';

const run = promisify(execFile);

/** Every file a real PDF of at least one page; a few pdfinfo processes at a time. */
export async function expectValidPdfs(files: readonly { data: Buffer }[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'test-pdfs-'));
  try {
    let next = 0;
    const check = async (): Promise<void> => {
      while (next < files.length) {
        const i = next++;
        const pdf = files[i].data;
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdf.subarray(-16).toString('latin1')).toContain('%%EOF');
        const file = join(dir, `${i}.pdf`);
        await writeFile(file, pdf);
        const { stdout } = await run('pdfinfo', [file]);
        expect(Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1])).toBeGreaterThanOrEqual(1);
      }
    };
    await Promise.all(Array.from({ length: 4 }, check));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
