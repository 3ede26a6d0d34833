// Who may import what: an admin (the manage right) every kind; a department role the kinds whose
// events are its department's (marketing: leads, touches, spend; sales: opportunities, won/lost;
// operations: onboarding, renewals/expansions/churn; service: tickets).
import type { Right } from '~/server/auth/rights';
import type { SessionUser } from '~/server/auth/users';
import { kindNames, kinds, type Kind } from './kinds';

export function importableKinds(user: Pick<SessionUser, 'role'>, rights: ReadonlySet<Right>): Kind[] {
  if (rights.has('manage')) return [...kindNames];
  return kindNames.filter((k) => kinds[k].department === user.role);
}

/** The departments whose imports a user sees in the history; null: all. */
export function visibleDepartments(user: Pick<SessionUser, 'role'>, rights: ReadonlySet<Right>): string[] | null {
  if (rights.has('manage')) return null;
  return [...new Set(importableKinds(user, rights).map((k) => kinds[k].department))];
}
