// Who may create, edit or delete a KPI target: on top of the 'editOwnKpiTargets' right, the
// user's department must be the target's accountable department, unless executive or admin.
import type { Role } from './rights';

export function canEditTarget(user: { role: Role; department: string }, target: { accountable: string }): boolean {
  return user.role === 'admin' || user.role === 'executive' || user.department === target.accountable;
}
