// Password hashes (bcrypt). Random passwords for new accounts and resets.
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

const cost = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** A hash no password matches, compared against when the account does not exist so that the
 * answer takes as long either way. */
export const unmatchableHash = bcrypt.hashSync(randomBytes(16).toString('hex'), cost);

export function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

export const minPasswordLength = 10;
