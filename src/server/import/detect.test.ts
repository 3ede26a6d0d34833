import { describe, expect, it } from 'vitest';
import { decoderFor, detectDelimiter, detectEncoding } from './detect';

describe('detectEncoding', () => {
  it('knows UTF-8 by its BOM or by decoding, else takes Windows-1252', () => {
    expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8', bom: true });
    expect(detectEncoding(new TextEncoder().encode('Müller;Zoë'))).toEqual({ encoding: 'utf-8', bom: false });
    // "Müller €" in Windows-1252: ü = 0xfc, € = 0x80
    const cp1252 = new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x80]);
    expect(detectEncoding(cp1252)).toEqual({ encoding: 'windows-1252', bom: false });
    expect(decoderFor('windows-1252').decode(cp1252)).toBe('Müller €');
  });

  it('is not misled by a sample that ends inside a character', () => {
    const bytes = new TextEncoder().encode('abc ü');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1))).toEqual({ encoding: 'utf-8', bom: false });
  });

  it('drops the BOM from the decoded text', () => {
    expect(decoderFor('utf-8').decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('a');
  });
});

describe('detectDelimiter', () => {
  it('finds comma, semicolon and tab', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n')).toBe(',');
    expect(detectDelimiter('a;b;c\n1,5;2,5;3\n')).toBe(';');
    expect(detectDelimiter('a\tb\n1,5\t2;3\n')).toBe('\t');
  });

  it('ignores delimiters inside quotes and prefers the one consistent across lines', () => {
    expect(detectDelimiter('"Name, full";Amount\n"Doe, Jane";"1,5"\n"Roe, Ann";2\n')).toBe(';');
    expect(detectDelimiter('\uFEFFid,amount\n1,"1;2"\n')).toBe(',');
    expect(detectDelimiter('single\nvalue\n')).toBe(',');
  });
});
