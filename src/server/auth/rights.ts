// Roles, rights and the permission matrix: which role holds which right. The matrix is data an
// admin edits; the defaults below are PRODUCT.md's.
import { z } from 'zod';

export const roles = ['admin', 'executive', 'marketing', 'sales', 'operations', 'service', 'viewer'] as const;
export type Role = (typeof roles)[number];
export const role = z.enum(roles);

export const rights = [
  'viewDashboards',
  'seeContacts',
  'seeMoney',
  'seeSpend',
  'editOwnKpiTargets',
  'shareDashboards',
  'exportCsv',
  'manage',
] as const;
export type Right = (typeof rights)[number];
export const right = z.enum(rights);

/** One list of rights per role. */
export type PermissionMatrix = Record<Role, readonly Right[]>;

export const rightLabels: Record<Right, string> = {
  viewDashboards: 'view the aggregated KPIs of every department',
  seeContacts: 'see contact details (email, name)',
  seeMoney: 'see money (amounts, revenue, LTV)',
  seeSpend: 'see spend, CAC, ROI',
  editOwnKpiTargets: 'edit KPI targets of own department',
  shareDashboards: 'share dashboards',
  exportCsv: 'export CSV',
  manage: 'manage users, roles, API keys, replay events',
};

/**
 * Cells an admin cannot change: every role sees the aggregated KPIs (that is the point of the
 * product), and admin keeps 'manage' so that nobody can lock the product out of its own settings.
 */
export function isFixed(r: Role, right: Right): boolean {
  return right === 'viewDashboards' || (r === 'admin' && right === 'manage');
}

function byRole(rightsFor: (r: Role) => readonly Right[]): PermissionMatrix {
  const matrix = {} as Record<Role, readonly Right[]>;
  for (const r of roles) matrix[r] = rightsFor(r);
  return matrix;
}

const allBut = (...excluded: Role[]): Role[] => roles.filter((r) => !excluded.includes(r));

const defaultHolders: Record<Right, readonly Role[]> = {
  viewDashboards: roles,
  seeContacts: ['admin', 'marketing', 'sales', 'service'],
  seeMoney: ['admin', 'executive', 'marketing', 'sales', 'operations'],
  seeSpend: ['admin', 'executive', 'marketing'],
  editOwnKpiTargets: allBut('viewer'),
  shareDashboards: allBut('viewer'),
  exportCsv: allBut('viewer'),
  manage: ['admin'],
};

export const defaultMatrix: PermissionMatrix = Object.freeze(
  byRole((r) => rights.filter((right) => defaultHolders[right].includes(r))),
);

/** Reads a stored matrix leniently: unknown roles and rights are dropped, fixed cells are forced. */
export function normaliseMatrix(value: unknown): PermissionMatrix {
  const stored = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return byRole((r) => {
    const listed: readonly unknown[] = Array.isArray(stored[r]) ? stored[r] : defaultMatrix[r];
    return rights.filter((right) => isFixed(r, right) || listed.includes(right));
  });
}

export function withRight(matrix: PermissionMatrix, r: Role, right: Right, granted: boolean): PermissionMatrix {
  if (isFixed(r, right)) return matrix;
  const current = new Set(matrix[r]);
  if (granted) current.add(right);
  else current.delete(right);
  return { ...matrix, [r]: rights.filter((x) => current.has(x)) };
}

export function rightsOf(r: Role, matrix: PermissionMatrix): ReadonlySet<Right> {
  return new Set(matrix[r]);
}

export function can(user: { role: Role } | null, right: Right, matrix: PermissionMatrix): boolean {
  return user !== null && matrix[user.role].includes(right);
}
