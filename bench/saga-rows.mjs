// The server's side of a level: sagas whose row reached a terminal status inside the window, and
// how long each took from its row's creation to that status (both stamped by the system itself).

/**
 * Rows of `table` (with `status`, `created_at`, `updated_at`) that reached one of `statuses`
 * between `from` and `to` (epoch ms), each as `{ status, latencyMs }`.
 */
export async function endedBetween(client, { table, statuses }, from, to) {
  const { rows } = await client.query(
    `SELECT status, 1000 * extract(epoch FROM updated_at - created_at) AS latency_ms
       FROM ${table}
      WHERE status = ANY($1)
        AND updated_at >= to_timestamp($2::float8 / 1000)
        AND updated_at < to_timestamp($3::float8 / 1000)`,
    [statuses, from, to],
  );
  return rows.map((row) => ({ status: row.status, latencyMs: Number(row.latency_ms) }));
}
