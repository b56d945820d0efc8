import type { ComponentChildren } from 'preact';

/**
 * A table of records, one row each, that scrolls on its own in a narrow window: a focusable
 * region named by its section's heading, so keyboard users can scroll it too.
 */
export function RecordTable({
  labelledBy,
  columns,
  rows,
  empty,
}: {
  /** The id of the heading that names the table. */
  labelledBy: string;
  columns: string[];
  /** One `<tr>` a record; undefined until the first answer, so no empty line flashes. */
  rows: ComponentChildren[] | undefined;
  /** The line shown when there are no records; without it, nothing is. */
  empty?: string;
}) {
  return (
    <div class="table-scroll" role="region" aria-labelledby={labelledBy} tabIndex={0}>
      <table>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {empty !== undefined && rows?.length === 0 && (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          )}
          {rows}
        </tbody>
      </table>
    </div>
  );
}
