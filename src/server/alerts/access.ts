// Who may make which rule: admins any rule for any department; everyone else holding
// 'editOwnKpiTargets' only rules of their own department, on KPI targets their department is
// accountable or responsible for. Watching API keys (data health) is for admins.
import type { SessionUser } from '~/server/auth/users';
import type { Db } from '~/server/db/client';
import { getKpiTarget } from '~/server/metrics/kpis';
import type { AlertRuleDefinition } from './rules';

export type RuleRefusal = { code: 'FORBIDDEN' | 'NOT_FOUND'; message: string } | null;

export function seesAllRules(user: SessionUser): boolean {
  return user.role === 'admin';
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
    if (target.accountable !== user.department && !target.responsible.includes(user.department as never)) {
      return { code: 'FORBIDDEN', message: `${user.department} is neither accountable nor responsible for "${target.name}".` };
    }
  }
  return null;
}
