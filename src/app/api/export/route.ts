import { handleCsvExport } from '~/server/export/csvExport';

export const POST = (req: Request) => handleCsvExport(req);
