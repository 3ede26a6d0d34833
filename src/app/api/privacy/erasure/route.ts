import { handlePrivacyErasure } from '~/server/privacy/http';

export const POST = (req: Request) => handlePrivacyErasure(req);
