import { rightLabels } from '~/server/auth/rights';
import { adminCaller } from '../adminCaller';
import styles from '../admin.module.css';
import { PermissionToggle } from './PermissionToggle';

export default async function PermissionsPage() {
  const api = await adminCaller();
  if (!api) return null;
  const { roles, rights, matrix, fixed } = await api.admin.permissions.get();
  const isFixed = (role: string, right: string) => fixed.some((f) => f.role === role && f.right === right);
  return (
    <section aria-labelledby="permissions-title">
      <h1 id="permissions-title">Permissions</h1>
      <p className="lead">Which role holds which right. Changes apply to every user of the role on their next request.</p>
      <table className={styles.table}>
        <caption>Rights by role</caption>
        <thead>
          <tr>
            <th scope="col">Right</th>
            {roles.map((r) => (
              <th scope="col" key={r}>
                {r}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rights.map((right) => (
            <tr key={right}>
              <th scope="row">{rightLabels[right]}</th>
              {roles.map((role) => (
                <td key={role}>
                  <PermissionToggle role={role} right={right} granted={matrix[role].includes(right)} fixed={isFixed(role, right)} label={`${role}: ${rightLabels[right]}`} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
