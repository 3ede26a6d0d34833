// Reads a CSV file as a stream of records, whatever its encoding and delimiter, with the bytes
// read so far for progress. Parsing is csv-parse's; memory stays flat however large the file.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { decoderFor, detectDelimiter, detectEncoding, type Delimiter, type Encoding } from './detect';

export interface FileFormat {
  encoding: Encoding;
  delimiter: Delimiter;
}

export interface CsvRecord {
  /** the record's number, the header being 1 */
  row: number;
  cells: string[];
}

const SAMPLE_BYTES = 64 * 1024;

async function head(file: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The encoding and delimiter of a file, from its first 64 KiB. */
export async function detectFormat(file: string): Promise<FileFormat> {
  const sample = await head(file, SAMPLE_BYTES);
  const { encoding } = detectEncoding(sample);
  return { encoding, delimiter: detectDelimiter(decoderFor(encoding).decode(sample)) };
}

/** sha256 of the first MiB and the size: tells whether a file to resume from is the one started. */
export async function fingerprint(file: string): Promise<{ bytes: number; fingerprint: string }> {
  const { size } = await stat(file);
  const first = await head(file, 1024 * 1024);
  return { bytes: size, fingerprint: `${size}:${createHash('sha256').update(first).digest('hex')}` };
}

export interface RecordStream extends AsyncIterable<CsvRecord> {
  /** bytes of the file read so far (a little ahead of the records handed out) */
  bytesRead(): number;
}

/** The file's records, header first, from a streaming parse; stop early by breaking the loop. */
export function readRecords(file: string, format: FileFormat): RecordStream {
  let bytes = 0;
  const decoder = decoderFor(format.encoding);
  const decode = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
  const parser = parse({
    delimiter: format.delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  });
  return {
    bytesRead: () => bytes,
    async *[Symbol.asyncIterator]() {
      const stream = pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), decode, parser, () => {});
      let row = 0;
      for await (const cells of stream as AsyncIterable<string[]>) {
        row += 1;
        yield { row, cells };
      }
    },
  };
}

/** The header and the first `limit` data records. */
export async function readHead(file: string, format: FileFormat, limit: number): Promise<{ header: string[]; records: CsvRecord[] }> {
  let header: string[] | null = null;
  const records: CsvRecord[] = [];
  for await (const record of readRecords(file, format)) {
    if (header === null) header = record.cells.map((c) => c.trim());
    else records.push(record);
    if (records.length >= limit) break;
  }
  if (header === null) throw new Error('The file is empty.');
  return { header, records };
}
