// What a message may say: the rights of the role of the department it is for (a department named
// like a role is that role; any other reads as a viewer), from the current permission matrix.
import { loadPermissions } from '~/server/auth/permissions';
import { rightsOf, type Right, type Role } from '~/server/auth/rights';
import { isRole } from '~/server/auth/users';
import type { Db } from '~/server/db/client';

export function roleOfDepartment(department: string): Role {
  return isRole(department) ? department : 'viewer';
}

export async function rightsOfRole(db: Db, role: Role): Promise<ReadonlySet<Right>> {
  return rightsOf(role, await loadPermissions(db));
}

export async function rightsOfDepartment(db: Db, department: string): Promise<ReadonlySet<Right>> {
  return rightsOfRole(db, roleOfDepartment(department));
}
