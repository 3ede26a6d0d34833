import { handleLive } from '~/server/projector/live';

export const dynamic = 'force-dynamic';

export const GET = (request: Request) => handleLive(request);
