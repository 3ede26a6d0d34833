// The import page's body, shared by Admin > Import and /import (department roles, their own kinds).
import { serverCaller } from '~/trpc/server';
import { ImportScreen } from './ImportScreen';

export async function ImportPage() {
  const options = await (await serverCaller()).imports.options();
  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">Import</h1>
      {options.kinds.length === 0 ? (
        <p className="lead">Importing needs an admin or a department role; yours may not import data.</p>
      ) : (
        <>
          <p className="lead">
            Bring in a CSV export (HubSpot, Salesforce, a spreadsheet): choose what its rows are, map its columns, check the first rows as events, then
            import. Importing the same file again adds nothing; invalid rows are listed by row and column.
          </p>
          <ImportScreen options={options} />
        </>
      )}
    </section>
  );
}
