// Imports started from the app run in the server process behind the request that started them;
// the page follows them through the imports table. A stop is asked through the table too
// (cancelImport), so it reaches an import run by the command line as well.
import type { Db } from '~/server/db/client';
import { ImportError, runImport } from './run';

/** Starts (or resumes) an import in the background. */
export function startJob(db: Db, importId: number): void {
  void runImport(db, importId).catch((error: unknown) => {
    if (!(error instanceof ImportError)) console.error(`import ${importId} failed:`, error);
  });
}
