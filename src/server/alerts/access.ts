// Who may make which rule: admins any rule for any department; everyone else holding
// 'editOwnKpiTargets' only rules of their own department, on KPI targets their department is
// accountable or responsible for. Watching API keys (data health) is for admins.
import type { SessionUser } from '~/server/auth/users';
import type { Db } from '~/server/db/client';
import { departments } from '~/server/ingest/catalogue';
import { getKpiTarget, type KpiTarget } from '~/server/kpiTargets';
import { alertKinds, type AlertKind, type AlertRuleDefinition } from './rules';

export type RuleRefusal = { code: 'FORBIDDEN' | 'NOT_FOUND'; message: string } | null;

export function seesAllRules(user: SessionUser): boolean {
  return user.role === 'admin';
}

/** The kinds of rule the user may make: watching API keys (data health) is for admins. */
export function ruleKindsFor(user: SessionUser): AlertKind[] {
  return alertKinds.filter((k) => k !== 'data_health' || user.role === 'admin');
}

/** The departments the user may make rules for: admins any (executive included), others their own. */
export function ruleDepartmentsFor(user: SessionUser): string[] {
  return user.role === 'admin' ? [...departments, 'executive'] : [user.department];
}

/** Whether the user may watch a KPI target's status: admins any, others their department's (accountable or responsible). */
export function mayWatchTarget(user: SessionUser, target: Pick<KpiTarget, 'accountable' | 'responsible'>): boolean {
  return user.role === 'admin' || target.accountable === user.department || (target.responsible as readonly string[]).includes(user.department);
}

export async function ruleRefusal(db: Db, user: SessionUser, rule: Pick<AlertRuleDefinition, 'kind' | 'department' | 'params'>): Promise<RuleRefusal> {
  if (rule.kind === 'data_health' && user.role !== 'admin') return { code: 'FORBIDDEN', message: 'Only admins may watch API keys.' };
  if (user.role === 'admin') return null;
  if (rule.department !== user.department) {
    return { code: 'FORBIDDEN', message: `Rules of ${rule.department} are made by ${rule.department} or an admin.` };
  }
  if (rule.kind === 'kpi_status') {
    const target = await getKpiTarget(db, (rule.params as { targetId: number }).targetId);
    if (!target) return { code: 'NOT_FOUND', message: 'No such KPI target.' };
    if (!mayWatchTarget(user, target)) {
      return { code: 'FORBIDDEN', message: `${user.department} is neither accountable nor responsible for "${target.name}".` };
    }
  }
  return null;
}
