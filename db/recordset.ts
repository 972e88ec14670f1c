import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/**
 * Rows for `table` as one jsonb parameter read back as rows (`jsonb_to_recordset`), with the table's own
 * column names and types read off the schema. `insert into <table> (<columns>) select * from <recordset>`
 * inserts them in a statement that can do something else first (a data-modifying CTE), with one parameter
 * however many rows there are. Only the given columns are written; the others take their defaults.
 */
export function recordsetOf<T extends PgTable>(
  table: T,
  rows: T["$inferInsert"][],
): { columns: SQL; recordset: SQL } {
  const given = new Set(rows.flatMap((row) => Object.keys(row)));
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => given.has(key));
  const json = rows.map((row) =>
    Object.fromEntries(
      columns.map(([key, column]) => {
        const value = (row as Record<string, unknown>)[key];
        return [column.name, value instanceof Date ? value.toISOString() : (value ?? null)];
      }),
    ),
  );
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  const types = sql.join(
    columns.map(([, column]) => sql`${sql.identifier(column.name)} ${sql.raw(column.getSQLType())}`),
    sql`, `,
  );
  return {
    columns: names,
    recordset: sql`jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as r(${types})`,
  };
}
