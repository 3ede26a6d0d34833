// Uploaded files: the request body streamed to a file in the upload folder, never held whole in
// memory; named by a random id that the import steps refer to.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { uploadDir } from './run';

/** The largest file accepted. */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

const uploadIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 413,
  ) {
    super(message);
  }
}

/** The file of an upload id; refuses ids that are not ours (no path can be smuggled in). */
export function uploadPath(uploadId: string): string {
  if (!uploadIdPattern.test(uploadId)) throw new UploadError('Not an upload id.', 400);
  return path.join(uploadDir(), `${uploadId}.csv`);
}

export async function existingUpload(uploadId: string): Promise<string> {
  const file = uploadPath(uploadId);
  const found = await stat(file).catch(() => null);
  if (!found?.isFile()) throw new UploadError('The uploaded file is gone; upload it again.', 404);
  return file;
}

/** Streams a request body into a new upload; returns its id and size. */
export async function saveUpload(body: ReadableStream<Uint8Array> | null): Promise<{ uploadId: string; bytes: number }> {
  if (!body) throw new UploadError('The request has no file in its body.', 400);
  await mkdir(uploadDir(), { recursive: true });
  const uploadId = randomUUID();
  const file = uploadPath(uploadId);
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > MAX_UPLOAD_BYTES) done(new UploadError(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 ** 3} GB.`, 413));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), count, createWriteStream(file));
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  if (bytes === 0) {
    await rm(file, { force: true });
    throw new UploadError('The file is empty.', 400);
  }
  return { uploadId, bytes };
}
