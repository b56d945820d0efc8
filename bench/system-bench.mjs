// The whole-system bench: Sagaflow's five apps under place-order load through both doors, then
// the reference saga and the micro-benchmarks, in one run; results as JSON and Markdown.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { versions } from './infrastructure.mjs';
import { benchMicro } from './micro/micro-bench.mjs';
import { log } from './progress.mjs';
import { benchReference } from './reference/reference-bench.mjs';
import { ratiosOf, renderMarkdown } from './report.mjs';
import { benchSagaflow } from './sagaflow/sagaflow-bench.mjs';

async function describeMachine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.versions.node,
    ...(await versions()),
    loadAverage: { start: loadavg()[0] },
  };
}

export async function runSystemBench(options) {
  const startedAt = new Date();
  const run = startedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  const runDir = join(options.out, run);
  mkdirSync(runDir, { recursive: true });
  // Lowercase letters, digits and dashes, ending in a dot (what AMQP_NAMESPACE accepts).
  const namespace = `bench-${run.toLowerCase().replace(/[^a-z0-9]/g, '')}.`;
  const wants = (part) => options.parts.includes(part);
  const results = {
    run,
    smoke: options.smoke,
    ...(options.note ? { note: options.note } : {}),
    startedAt: startedAt.toISOString(),
    settings: {
      levels: options.levels,
      durationS: options.duration,
      warmupS: options.warmup,
      prewarmS: options.prewarm,
      idleS: options.idle,
      mixedLevel: options.mixedLevel,
      microDurationS: options.microDuration,
      proxyRequests: options.proxyRequests,
      proxyRounds: options.proxyRounds,
      parts: options.parts,
      profile: options.profile,
    },
    machine: await describeMachine(),
    sagaflow: {},
    reference: [],
    micro: {},
  };

  if (['gateway', 'orchestrator', 'mixed', 'proxy'].some(wants)) {
    results.sagaflow = await benchSagaflow({ options, namespace, runDir });
  }
  if (wants('reference')) results.reference = await benchReference({ options, namespace });
  if (wants('micro')) results.micro = await benchMicro({ options, namespace });
  results.machine.loadAverage.end = loadavg()[0];
  results.finishedAt = new Date().toISOString();
  results.ratios = ratiosOf(results);

  const markdown = renderMarkdown(results);
  writeFileSync(join(runDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(runDir, 'results.md'), markdown);
  console.log(`\n${markdown}`);
  log(`results in ${runDir}/results.{json,md}`);
  return results;
}
