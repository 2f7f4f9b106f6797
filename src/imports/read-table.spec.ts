import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { declaredUnzippedBytes, decodeText, detectDelimiter, ImportFileError, readTables, streamableOrder, zipEntries } from './read-table.js';

const limits = { maxRows: 100, maxUnzippedBytes: 10 * 1024 * 1024 };

async function xlsx(rows: ExcelJS.CellValue[][], sheets = 1): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (let s = 0; s < sheets; s++) {
    const ws = wb.addWorksheet(`S${s + 1}`);
    for (const r of rows) ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('readTables', () => {
  it('reads GB18030 CSV, as Chinese Excel saves it', async () => {
    const [t] = await readTables(iconv.encode('工号,姓名\r\nE1,王小明\r\n', 'gb18030'), limits);
    expect(t.headers).toEqual(['工号', '姓名']);
    expect(t.rows).toEqual([{ row: 2, cells: ['E1', '王小明'] }]);
  });

  it('reads UTF-8 with a BOM, semicolons, quoted newlines, and skips empty rows and trims', async () => {
    const text = '\ufeffa;b\n"x";"line 1\nline 2"\n;\n\n y ; 2 \n';
    const [t] = await readTables(Buffer.from(text), limits);
    expect(t.headers).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      { row: 2, cells: ['x', 'line 1\nline 2'] },
      { row: 5, cells: ['y', '2'] },
    ]);
  });

  it('detects the separator outside quotes', () => {
    expect(detectDelimiter('"a,b";c;d\n')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('a,b\n')).toBe(',');
    expect(decodeText(Buffer.from('é')).encoding).toBe('utf-8');
    expect(decodeText(iconv.encode('王', 'gbk')).encoding).toBe('gb18030');
  });

  it('reads XLSX cells: numbers, formula results, dates, every sheet', async () => {
    const bytes = await xlsx(
      [
        ['工号', 'actual', 'when'],
        ['E1', { formula: '1000*2', result: 2000 }, new Date(Date.UTC(2026, 0, 5))],
        [null, null, null],
        ['E2', 5, 46027],
      ],
      2,
    );
    const tables = await readTables(bytes, limits);
    expect(tables.map((t) => t.sheet)).toEqual(['S1', 'S2']);
    expect(tables[0].rows[0]).toEqual({ row: 2, cells: ['E1', 2000, new Date(Date.UTC(2026, 0, 5))] });
    expect(tables[0].rows[1]).toEqual({ row: 4, cells: ['E2', 5, 46027] });
  });

  it('refuses an .xls renamed .csv, binary, empty, and too many rows with the limit named', async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(100)]);
    await expect(readTables(xls, limits)).rejects.toThrow(/old Excel \.xls/);
    await expect(readTables(Buffer.from([1, 0, 2, 0, 3]), limits)).rejects.toThrow(/not a CSV/);
    await expect(readTables(Buffer.alloc(0), limits)).rejects.toThrow(/empty/);
    const many = `a\n${Array.from({ length: 101 }, (_, i) => i).join('\n')}\n`;
    const e = await readTables(Buffer.from(many), limits).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImportFileError);
    expect((e as ImportFileError).status).toBe(413);
    expect((e as ImportFileError).message).toContain('IMPORT_MAX_ROWS (100)');
  });

  it('refuses a workbook that unpacks beyond the limit before reading it', async () => {
    const bytes = await xlsx([['a'], ['x'.repeat(5000)]]);
    expect(declaredUnzippedBytes(bytes)).toBeGreaterThan(5000);
    const e = await readTables(bytes, { maxRows: 100, maxUnzippedBytes: 4000 }).catch((x: unknown) => x);
    expect((e as ImportFileError).status).toBe(413);
    expect((e as ImportFileError).message).toContain('IMPORT_MAX_UNZIPPED_BYTES (4000 bytes)');
  });

  it('reads a workbook whose zip puts the worksheets before xl/workbook.xml (fatal to the streaming reader)', async () => {
    const written = await JSZip.loadAsync(
      await xlsx([
        ['工号', 'share'],
        ['E1', 0.92],
        ['E2', 'x'],
      ]),
    );
    const names = Object.keys(written.files).filter((n) => !written.files[n].dir);
    // Shared strings and relations first, then the sheet, then the workbook and styles: the shape
    // on which exceljs' WorkbookReader reads `this.model.sheets` before it has a model.
    const first = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml'];
    const order = [...first, ...names.filter((n) => !first.includes(n))];
    const reordered = new JSZip();
    for (const name of order) reordered.file(name, await written.file(name)!.async('nodebuffer'));
    const bytes = await reordered.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const entries = zipEntries(bytes);
    expect(entries.map((e) => e.name).indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(entries.map((e) => e.name).indexOf('xl/workbook.xml'));
    expect(streamableOrder(entries)).toBe(false);

    const [t] = await readTables(bytes, limits);
    expect(t.headers).toEqual(['工号', 'share']);
    expect(t.rows).toEqual([
      { row: 2, cells: ['E1', 0.92] },
      { row: 3, cells: ['E2', 'x'] },
    ]);
  });

  it('refuses damaged workbooks with a 400 that says so, never an unexpected error', async () => {
    const good = await xlsx([['a'], ['x']]);
    expect(streamableOrder(zipEntries(good))).toBe(true);
    // The entries' compressed data overwritten with noise, the zip directory kept intact.
    const noisy = Buffer.from(good);
    const dir = zipEntries(good);
    for (const e of dir) for (let i = e.offset + 60; i < e.offset + 120 && i < noisy.length; i++) noisy[i] = (i * 7919) & 0xff;
    const truncated = good.subarray(0, Math.floor(good.length / 2));
    for (const bad of [noisy, truncated, Buffer.concat([good.subarray(0, 4), Buffer.alloc(64)])]) {
      const e = await readTables(bad, limits).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ImportFileError);
      expect((e as ImportFileError).status).toBe(400);
      expect((e as ImportFileError).message).toMatch(/xlsx/);
    }
  });
});
