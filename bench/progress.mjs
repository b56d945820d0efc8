// One line per step on the terminal, so a long run shows where it is.

export const log = (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

/** One level's headline figures, as `measureLevel` returns them. */
export function logLevel(name, result) {
  const { server, client } = result.latencyMs;
  log(
    `${name.padEnd(13)} ${String(result.level).padStart(3)} in flight: ` +
      `${result.perSecond.toFixed(1)}/s` +
      (server ? `, server p50 ${server.p50} p99 ${server.p99} ms` : '') +
      `, client p50 ${client.p50} p99 ${client.p99} ms, errors ${result.errors}` +
      (result.firstError ? ` (${result.firstError})` : '') +
      (result.walKbPerSaga === undefined ? '' : `, WAL ${result.walKbPerSaga} KB/saga`) +
      `, machine ${result.machine.busyCores} cores busy, load ${result.machine.loadAverage1m}`,
  );
}
