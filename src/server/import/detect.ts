// What a CSV file is written in and how its fields are separated, from its first bytes.

export type Encoding = 'utf-8' | 'windows-1252';
export type Delimiter = ',' | ';' | '\t';
export const delimiters: readonly Delimiter[] = [',', ';', '\t'];

/** UTF-8 when the bytes carry its BOM or decode as UTF-8; else Windows-1252 (Excel's "CSV" on Windows). */
export function detectEncoding(head: Uint8Array): { encoding: Encoding; bom: boolean } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  // A sample may end inside a multi-byte character: drop up to three trailing bytes of one.
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = head[end - back]!;
    if ((byte & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((byte & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return { encoding: 'utf-8', bom: false };
  } catch {
    return { encoding: 'windows-1252', bom: false };
  }
}

/** Counts of each delimiter per line outside quotes, for the first `maxLines` lines of `text`. */
function countsPerLine(text: string, maxLines: number): Record<Delimiter, number>[] {
  const lines: Record<Delimiter, number>[] = [];
  let current: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length && lines.length < maxLines; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) current[c] += 1;
    else if (!quoted && c === '\n') {
      lines.push(current);
      current = { ',': 0, ';': 0, '\t': 0 };
    }
  }
  // the last line only when the sample holds it whole
  if (lines.length === 0) lines.push(current);
  return lines;
}

/**
 * The delimiter of a sample of the file: the one that occurs on the header line and the same
 * number of times on most of the following lines; ties go to comma, then semicolon.
 */
export function detectDelimiter(sample: string): Delimiter {
  const lines = countsPerLine(sample.replace(/^\uFEFF/, ''), 50);
  const header = lines[0]!;
  let best: { delimiter: Delimiter; score: number } = { delimiter: ',', score: -1 };
  for (const d of delimiters) {
    if (header[d] === 0) continue;
    const consistent = lines.filter((line) => line[d] === header[d]).length;
    const score = consistent * 1000 + header[d];
    if (score > best.score) best = { delimiter: d, score };
  }
  return best.delimiter;
}

export interface ChunkDecoder {
  decode(chunk?: Uint8Array, options?: { stream?: boolean }): string;
}

// Windows-1252 differs from Latin-1 in 0x80-0x9F (€, curly quotes, dashes, ...); five are unused.
const cp1252High =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Windows-1252 bytes to text, a byte a character (the runtime's decoder reads 0x80-0x9F as Latin-1). */
function decodeCp1252(chunk: Uint8Array): string {
  const latin1 = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
  return /[\u0080-\u009f]/.test(latin1) ? latin1.replace(/[\u0080-\u009f]/g, (c) => cp1252High[c.charCodeAt(0) - 0x80]!) : latin1;
}

/** A streaming decoder for the encoding: bytes in, text out, a character split across chunks kept whole. */
export function decoderFor(encoding: Encoding): ChunkDecoder {
  // ignoreBOM: false drops a leading UTF-8 BOM from the text.
  if (encoding === 'utf-8') return new TextDecoder('utf-8', { ignoreBOM: false });
  return { decode: (chunk) => (chunk ? decodeCp1252(chunk) : '') };
}
