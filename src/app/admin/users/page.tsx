import { adminCaller } from '../adminCaller';
import styles from '../admin.module.css';
import { CreateUserForm, RoleEditor, UserButtons } from './UserControls';

export default async function UsersPage() {
  const api = await adminCaller();
  if (!api) return null;
  const [users, permissions] = await Promise.all([api.admin.users.list(), api.admin.permissions.get()]);
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <p className="lead">Create accounts, change roles and departments, disable accounts and reset passwords.</p>
      <CreateUserForm roles={permissions.roles} />
      <table className={styles.table}>
        <caption>{users.length} accounts</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role and department</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.signInEmail}</td>
              <td>{u.name}</td>
              <td>
                <RoleEditor id={u.id} email={u.signInEmail} role={u.role} department={u.department} roles={permissions.roles} />
              </td>
              <td>{u.disabledAt ? `disabled ${u.disabledAt.toISOString().slice(0, 10)}` : 'active'}</td>
              <td>
                <UserButtons id={u.id} email={u.signInEmail} disabled={u.disabledAt !== null} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
