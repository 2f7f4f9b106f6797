// Step 1 of an import: file bytes → rows of raw cells. Knows file formats (XLSX through exceljs'
// streaming reader, CSV through csv-parse, GB18030 through iconv-lite), nothing about employees or
// KPIs. Every refusal is an ImportFileError with an English and a Chinese message and a 4xx status.
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/** A raw cell: text as written, a number, a date (XLSX date cells), a boolean, or null when empty. */
export type Cell = string | number | boolean | Date | null;

export interface TableRow {
  /** The row number people see in Excel (1 is the header row when the header is on the first line). */
  row: number;
  cells: Cell[];
}

export interface Table {
  /** Worksheet name (XLSX), or null for a CSV. */
  sheet: string | null;
  headers: string[];
  rows: TableRow[];
}

export interface ReadLimits {
  maxRows: number;
  /** Largest total size the parts of an XLSX (a zip) may unpack to. */
  maxUnzippedBytes: number;
}

export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly messageZh: string,
    readonly status: 400 | 413 = 400,
    /** The setting exceeded, for a 413. */
    readonly limit?: 'IMPORT_MAX_ROWS' | 'IMPORT_MAX_UNZIPPED_BYTES',
  ) {
    super(message);
  }
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Reads every sheet of an XLSX, or the one table of a CSV (format from the bytes, not the name). */
export async function readTables(bytes: Buffer, limits: ReadLimits): Promise<Table[]> {
  if (bytes.length === 0) throw new ImportFileError('The file is empty', '文件是空的');
  if (bytes.subarray(0, 8).equals(OLE)) {
    throw new ImportFileError(
      'This is an old Excel .xls workbook (whatever its name says); save it as .xlsx or as CSV UTF-8 and upload that',
      '这是旧版 Excel .xls 工作簿（不论文件名如何）；请另存为 .xlsx 或 CSV UTF-8 后再上传',
    );
  }
  const tables = bytes.subarray(0, 4).equals(ZIP) ? await readXlsx(bytes, limits) : [readCsv(bytes, limits)];
  const nonEmpty = tables.filter((t) => t.headers.length > 0);
  if (nonEmpty.length === 0) throw new ImportFileError('The file has no header row', '文件没有表头行');
  return nonEmpty;
}

// ---------- CSV ----------

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8, otherwise GB18030 (a superset of GBK, what Chinese Excel writes). */
export function decodeText(bytes: Buffer): { text: string; encoding: 'utf-8' | 'utf-16le' | 'gb18030' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.subarray(2).toString('utf16le'), encoding: 'utf-16le' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'gb18030' };
  }
}

/** The separator of the first line (outside quotes): comma, semicolon (European Excel) or tab. */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text.slice(0, 64 * 1024)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  const best = (Object.entries(counts) as [',' | ';' | '\t', number][]).sort((a, b) => b[1] - a[1])[0];
  return best[1] > 0 ? best[0] : ',';
}

export function readCsv(bytes: Buffer, limits: ReadLimits): Table {
  const { text } = decodeText(bytes);
  // Text files never hold NUL; binaries (a renamed .xls, a PDF, an image) nearly always do.
  if (text.includes('\u0000')) {
    throw new ImportFileError('This is not a CSV text file or an .xlsx workbook', '这不是 CSV 文本文件，也不是 .xlsx 工作簿');
  }
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    });
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new ImportFileError(
      `The CSV cannot be read${line ? ` near line ${line}` : ''}: ${(e as Error).message}`,
      `无法读取该 CSV${line ? `（约第 ${line} 行）` : ''}：${(e as Error).message}`,
    );
  }
  return toTable(
    null,
    records.map((cells, i) => ({ row: i + 1, cells: cells.map((c) => (c.trim() === '' ? null : c)) })),
    limits,
  );
}

// ---------- XLSX ----------

interface ZipEntry {
  name: string;
  /** Where the entry's local header starts: the order a streaming reader meets the entries in. */
  offset: number;
  /** The unpacked size the directory declares. */
  size: number;
}

/** The entries of a zip as its central directory lists them (refused as damaged when it cannot be read). */
export function zipEntries(bytes: Buffer): ZipEntry[] {
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  const from = Math.max(0, bytes.length - 65_557);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= from; i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ImportFileError('The .xlsx file is damaged (no zip directory)', '.xlsx 文件已损坏（缺少 zip 目录）');
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) {
      throw new ImportFileError('The .xlsx file is damaged (bad zip directory)', '.xlsx 文件已损坏（zip 目录错误）');
    }
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    entries.push({
      name: bytes.toString('utf8', at + 46, Math.min(bytes.length, at + 46 + nameLength)),
      offset: bytes.readUInt32LE(at + 42),
      // 0xffffffff: the real size is in a Zip64 field; count it as over any sane limit.
      size: size === 0xffffffff ? Number.MAX_SAFE_INTEGER / 2 : size,
    });
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return entries;
}

/**
 * The sizes the zip's central directory declares for its parts, summed, checked before anything is
 * unpacked: a zip bomb declares its unpacked size honestly or lies; a liar is then cut off by the
 * row limit, which the streaming reader checks as it goes.
 */
export function declaredUnzippedBytes(bytes: Buffer): number {
  return zipEntries(bytes).reduce((sum, e) => sum + e.size, 0);
}

/**
 * Whether exceljs' streaming reader can read the zip as laid out. It meets the entries in file order;
 * a worksheet met before the shared strings or the workbook's relations is parked in a temporary file
 * and read at the end, but one met after both is read at once: before xl/workbook.xml that reads
 * `this.model.sheets` of a model not parsed yet (a TypeError), and before xl/styles.xml it misses the
 * number formats (percent cells would lose their scaling). Excel and exceljs write an order that is
 * safe; other writers need not.
 */
export function streamableOrder(entries: readonly ZipEntry[]): boolean {
  const at = (name: string) => entries.find((e) => e.name === name)?.offset;
  const strings = at('xl/sharedStrings.xml');
  const rels = at('xl/_rels/workbook.xml.rels');
  if (strings === undefined || rels === undefined) return true;
  const readAtOnce = Math.max(strings, rels);
  const needed = [at('xl/workbook.xml') ?? Number.POSITIVE_INFINITY, at('xl/styles.xml') ?? -1];
  return entries.every((e) => !/^xl\/worksheets\/sheet\d+\.xml$/.test(e.name) || e.offset < readAtOnce || needed.every((n) => n < e.offset));
}

function cellOf(value: ExcelJS.CellValue, numFmt: string | undefined): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return numFmt?.includes('%') ? Math.round(value * 100 * 1e9) / 1e9 : value;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('result' in value) return value.result === undefined ? null : cellOf(value.result, numFmt);
    if ('formula' in value || 'sharedFormula' in value) return null;
    if ('richText' in value) return value.richText.map((r) => r.text).join('') || null;
    if ('text' in value) return cellOf((value as { text: ExcelJS.CellValue }).text, numFmt);
    if ('error' in value) return String(value.error);
  }
  return null;
}

async function readXlsx(bytes: Buffer, limits: ReadLimits): Promise<Table[]> {
  const entries = zipEntries(bytes);
  const unzipped = entries.reduce((sum, e) => sum + e.size, 0);
  if (unzipped > limits.maxUnzippedBytes) {
    throw new ImportFileError(
      `The workbook unpacks to more than IMPORT_MAX_UNZIPPED_BYTES (${limits.maxUnzippedBytes} bytes); it is refused unread`,
      `该工作簿解压后超过 IMPORT_MAX_UNZIPPED_BYTES（${limits.maxUnzippedBytes} 字节），未读取即拒绝`,
      413,
      'IMPORT_MAX_UNZIPPED_BYTES',
    );
  }
  try {
    // The declared sizes were checked above, so the whole-workbook reader is bounded too; it is only
    // the fallback because it holds every cell object of the workbook at once.
    return streamableOrder(entries) ? await streamXlsx(bytes, limits) : await loadXlsx(bytes, limits);
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    throw new ImportFileError(`The .xlsx workbook cannot be read: ${(e as Error).message}`, `无法读取该 .xlsx 工作簿：${(e as Error).message}`);
  }
}

/** Rows of a sheet, as the reader hands them over, to table rows; checks the row limit as it goes. */
class SheetRows {
  readonly rows: TableRow[] = [];
  private filled = 0;

  constructor(private readonly limits: ReadLimits) {}

  add(row: ExcelJS.Row): void {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      cells[col - 1] = cellOf(cell.value, cell.numFmt);
    });
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
    if (cells.some((c) => c !== null) && ++this.filled > this.limits.maxRows + 1) tooManyRows(this.limits);
    this.rows.push({ row: row.number, cells });
  }
}

async function streamXlsx(bytes: Buffer, limits: ReadLimits): Promise<Table[]> {
  const tables: Table[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  for await (const sheet of reader) {
    const rows = new SheetRows(limits);
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) rows.add(row);
    tables.push(toTable((sheet as unknown as { name?: string }).name ?? null, rows.rows, limits));
  }
  return tables;
}

async function loadXlsx(bytes: Buffer, limits: ReadLimits): Promise<Table[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb.worksheets.map((ws) => {
    const rows = new SheetRows(limits);
    ws.eachRow({ includeEmpty: false }, (row) => rows.add(row));
    return toTable(ws.name, rows.rows, limits);
  });
}

function tooManyRows(limits: ReadLimits): never {
  throw new ImportFileError(
    `The file has more than IMPORT_MAX_ROWS (${limits.maxRows}) rows; split it into smaller files`,
    `文件超过 IMPORT_MAX_ROWS（${limits.maxRows}）行；请拆分为多个较小的文件`,
    413,
    'IMPORT_MAX_ROWS',
  );
}

/** First non-empty row is the header; empty rows are dropped; texts are trimmed. */
function toTable(sheet: string | null, all: TableRow[], limits: ReadLimits): Table {
  const rows = all
    .map((r) => ({ row: r.row, cells: r.cells.map((c) => (typeof c === 'string' ? c.trim() || null : c)) }))
    .filter((r) => r.cells.some((c) => c !== null));
  const header = rows.shift();
  if (rows.length > limits.maxRows) tooManyRows(limits);
  const headers = (header?.cells ?? []).map((c) => (c === null ? '' : c instanceof Date ? c.toISOString() : String(c)));
  return { sheet, headers, rows };
}
