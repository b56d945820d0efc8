import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFault, FAULT_KINDS } from './schedule.mjs';

/** Faults per kind: how many the schedule held, how many were applied, how many failed. */
export function faultsByKind(schedule, results) {
  return Object.fromEntries(
    Object.keys(FAULT_KINDS).map((kind) => [
      kind,
      {
        scheduled: schedule.filter((f) => f.kind === kind).length,
        applied: results.filter((f) => f.kind === kind && f.outcome === 'applied').length,
        failed: results.filter((f) => f.kind === kind && f.outcome === 'failed').length,
        /** From the first command to the last: a restart's whole outage, a cut's refusal time. */
        totalMs: results
          .filter((f) => f.kind === kind)
          .reduce((ms, f) => ms + f.endedAt - f.startedAt, 0),
      },
    ]),
  );
}

const pct = (share) => `${(share * 100).toFixed(2)} %`;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The report as Markdown: what a person reads after a run. */
export function toMarkdown(report) {
  const { run, load, settle, verdict } = report;
  const lines = [
    `# Chaos run ${run.id}: ${verdict.ok ? 'PASSED' : 'FAILED'}`,
    '',
    `Seed **${run.seed}** (replay: \`${run.replay}\`), ${run.variant} variant, started ${run.startedAt}.`,
    `${load.orders} orders at ${run.rate.toFixed(1)}/s from up to ${run.clients} clients over ${seconds(load.durationMs)}; ` +
      `settled in ${seconds(settle.ms)}${settle.settled ? '' : ' (timed out: not everything settled)'}.`,
    '',
    '## Invariants',
    '',
    '| check | result | violations | what it means |',
    '|---|---|---:|---|',
    ...report.checks.map(
      (c) => `| ${c.name} | ${c.ok ? 'ok' : '**FAILED**'} | ${c.violations} | ${c.description} |`,
    ),
    '',
    ...report.checks
      .filter((c) => !c.ok)
      .flatMap((c) => [`Examples for ${c.name}:`, '', ...c.examples.map((e) => `- ${e}`), '']),
    '## Availability',
    '',
    `${report.availability.approved} of ${report.availability.valid} valid approve-path orders approved: ` +
      `**${pct(report.availability.share)}** (threshold ${pct(run.availabilityThreshold)}).`,
    '',
    ...Object.entries(report.availability.missed).map(
      ([why, n]) => `- not approved: ${n} × ${why}`,
    ),
    '',
    ...(report.availability.missedAt.length === 0
      ? []
      : [
          `Those were placed at (seconds into the load): ${report.availability.missedAt.map((m) => m.atS).join(', ')}.`,
          '',
        ]),
    `Phases: ${entries(report.phases, (ms) => seconds(ms))}. Machine: ${report.machine.cpus} cores, ` +
      `load average ${report.machine.loadAtStart} at the start, ${report.machine.loadAtEnd} at the end ` +
      '(other work on the machine slows every step and costs availability).',
    '',
    '## Outcomes',
    '',
    `Sagas: ${entries(report.outcomes.sagas)}. Orders: ${entries(report.outcomes.orders)}. ` +
      `Payments: ${entries(report.outcomes.payments)}. Reservations: ${entries(report.outcomes.reservations)}.`,
    '',
    '| kind | outcomes |',
    '|---|---|',
    ...Object.entries(report.outcomes.byKind).map(
      ([kind, statuses]) => `| ${kind} | ${entries(statuses)} |`,
    ),
    '',
    `Rejection reasons: ${entries(report.outcomes.rejectionReasons)}.`,
    `FAILED sagas (need an operator): ${report.needsAttention.failedSagas}` +
      (report.needsAttention.failedSagas === 0
        ? '.'
        : `, leaving ${report.needsAttention.ordersPending} orders PENDING, ${report.needsAttention.charged} charged, ${report.needsAttention.holdingCredit} holding credit; ${entries(report.needsAttention.reasons)}.`),
    `Submissions: ${entries(report.outcomes.submissions)}. Sagas without an accepted POST: ${report.outcomes.orphanSagas}.`,
    `Saga duration (created to last update): ${entries(report.outcomes.sagaDurationS, (v) => `${v.toFixed(2)} s`)}.`,
    '',
    '## Dead letters',
    '',
    report.deadLetters.total === 0 ? 'None.' : `${report.deadLetters.total} in all.`,
    ...Object.entries(report.deadLetters.perQueue).flatMap(([queue, { count, reasons }]) => [
      '',
      `- ${queue}: ${count}`,
      ...Object.entries(reasons).map(([reason, n]) => `  - ${n} × ${reason}`),
    ]),
    '',
    '## Faults',
    '',
    '| kind | scheduled | applied | failed | lasted in all |',
    '|---|---:|---:|---:|---:|',
    ...Object.entries(report.faults.byKind).map(
      ([kind, f]) =>
        `| ${kind} | ${f.scheduled} | ${f.applied} | ${f.failed} | ${seconds(f.totalMs)} (${pct(f.totalMs / report.load.durationMs)} of the load) |`,
    ),
    '',
    `Messaging chaos (${run.messagingChaos.join(',') || 'off'}): ${report.messagingChaos.summary}`,
    '',
    `Instances that died on their own (restarted after 1 s, as a supervisor would): ${
      report.crashes.length === 0
        ? 'none'
        : report.crashes
            .map((c) => `${c.name} (${c.signal ?? `exit ${c.code}`}, ${c.at})`)
            .join(', ')
    }.`,
    '',
    'Schedule (planned time; applied at):',
    '',
    '```',
    ...report.faults.executed.map(
      (f) =>
        `${describeFault(f)}  -> at t+${(f.startedAt / 1000).toFixed(1)}s, ${f.outcome}${f.note ? ` (${f.note})` : ''}`,
    ),
    '```',
    '',
  ];
  return lines.join('\n');
}

function entries(object, format = (v) => v) {
  const list = Object.entries(object ?? {});
  return list.length === 0
    ? 'none'
    : list.map(([key, value]) => `${key} ${format(value)}`).join(', ');
}

/** Writes `<id>.json` and `<id>.md` into `dir`; returns their paths. */
export function writeReport(dir, report) {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${report.run.id}.json`);
  const markdown = join(dir, `${report.run.id}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, toMarkdown(report));
  return { json, markdown };
}
