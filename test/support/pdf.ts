// PDFs as a reader sees them: the header and trailer are there, and a PDF reader (poppler's pdfinfo,
// or pdf.js: test/support/pdf-reader.ts) opens the file and counts its pages. Shared by the tests
// that get PDFs back (export zips, in any client).
import { expect } from '@jest/globals';
import { pdfPages } from './pdf-reader.js';

/** Every file a real PDF of at least one page; a few readers at a time. */
export async function expectValidPdfs(files: readonly { data: Buffer }[]): Promise<void> {
  let next = 0;
  const check = async (): Promise<void> => {
    while (next < files.length) {
      const pdf = files[next++].data;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.subarray(-16).toString('latin1')).toContain('%%EOF');
      expect(await pdfPages(pdf)).toBeGreaterThanOrEqual(1);
    }
  };
  await Promise.all(Array.from({ length: 4 }, check));
}
