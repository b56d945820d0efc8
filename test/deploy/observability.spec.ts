import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { InstanceRegistry } from '@app/discovery';
import {
  DeadLetterMetrics,
  MessagingMetrics,
  Topology,
  type BrokerConnection,
} from '@app/messaging';
import { OutboxMetrics } from '@app/messaging/testing';
import { HttpMetrics, MetricsModule } from '@app/metrics';
import { SagaRegistry } from '@app/saga';
import { SagaMetrics } from '@app/saga/testing';
import { Counter, Gauge, Histogram, register, Summary } from 'prom-client';
import type { DataSource } from 'typeorm';
import { UpstreamMetrics } from '../../apps/gateway/src/metrics/upstream-metrics.js';
import { MessagingGauges } from '../../apps/saga-orchestrator/src/metrics/messaging-gauges.js';
import { CUSTOM_RESOURCE_SPEC_FIELDS, isBuiltIn, validateBuiltIn } from './kubernetes-schema.js';
import { KUSTOMIZE, kustomize } from './kustomize.js';

const ROOT = path.join(import.meta.dirname, '../..');
const OBSERVABILITY = path.join(ROOT, 'k8s/observability');

/**
 * Every metric the apps register, found by building every provider that registers one (as the
 * apps' modules do), so the dashboard and the alerts are checked against the code itself.
 */
function registeredMetrics() {
  MetricsModule.forRoot();
  new HttpMetrics();
  new OutboxMetrics({} as DataSource);
  const options = { namespace: '', services: [], consume: [] };
  new DeadLetterMetrics({} as BrokerConnection, new Topology(options), options as never);
  new SagaMetrics({} as DataSource, {} as never, new SagaRegistry([]));
  new UpstreamMetrics(new InstanceRegistry());
  new MessagingGauges(new MessagingMetrics());
  return register.getMetricsAsArray().map((metric) => {
    const { name } = metric as unknown as { name: string };
    if (metric instanceof Histogram)
      return { name, series: [`${name}_bucket`, `${name}_sum`, `${name}_count`] };
    if (metric instanceof Summary) return { name, series: [name, `${name}_sum`, `${name}_count`] };
    if (metric instanceof Counter || metric instanceof Gauge) return { name, series: [name] };
    throw new Error(`${name}: unexpected metric type`);
  });
}

const metrics = registeredMetrics();
const series = new Set(metrics.flatMap((metric) => metric.series));
/** Ours, not Node's default process metrics. */
const ownMetrics = metrics
  .map((metric) => metric.name)
  .filter((name) => !name.startsWith('process_') && !name.startsWith('nodejs_'));

const PROMQL_WORDS = new Set([
  ...['sum', 'min', 'max', 'avg', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk'],
  ...['quantile', 'count_values', 'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv'],
  ...['histogram_quantile', 'abs', 'absent', 'absent_over_time', 'clamp_min', 'clamp_max'],
  ...['label_replace', 'vector', 'scalar', 'time', 'and', 'or', 'unless', 'bool', 'offset'],
  ...['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan'],
]);

/** The metric names an expression reads: strings, label matchers, ranges and groupings removed. */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, ' ');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((match) => match[0])
    .filter((word) => !PROMQL_WORDS.has(word.toLowerCase()));
}

const objects = kustomize(OBSERVABILITY);
const dashboardMap = objects.find((object) => object.kind === 'ConfigMap');
const dashboard = JSON.parse(
  String((dashboardMap?.data as Record<string, string>)['sagaflow-dashboard.json']),
) as {
  uid: string;
  title: string;
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { type: string; query: string }[] };
};
const rules = objects.find((object) => object.kind === 'PrometheusRule') as unknown as {
  spec: { groups: { name: string; rules: Record<string, unknown>[] }[] };
};
const alerts = rules.spec.groups.flatMap((group) => group.rules);

describe(`k8s/observability, rendered by ${KUSTOMIZE}`, () => {
  it('renders to a valid ConfigMap and the Prometheus operator kinds we know', () => {
    for (const object of objects) {
      if (isBuiltIn(object)) expect(() => validateBuiltIn(object)).not.toThrow();
      else {
        const allowed = CUSTOM_RESOURCE_SPEC_FIELDS[`${object.apiVersion}/${object.kind}`];
        expect(allowed).toBeDefined();
        expect(Object.keys(object.spec as object).filter((key) => !allowed.includes(key))).toEqual(
          [],
        );
      }
      expect(object.metadata.namespace).toBe('sagaflow');
    }
    expect(objects.map((object) => object.kind).sort()).toEqual(
      ['ConfigMap', 'PodMonitor', 'PrometheusRule'].sort(),
    );
    expect(dashboardMap?.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
  });

  it('scrapes /metrics on the http port of every app pod', () => {
    const monitor = objects.find((object) => object.kind === 'PodMonitor');
    expect(monitor?.spec).toMatchObject({
      jobLabel: 'app.kubernetes.io/name',
      selector: { matchLabels: { 'app.kubernetes.io/part-of': 'sagaflow' } },
      podMetricsEndpoints: [{ port: 'http', path: '/metrics' }],
    });
  });

  it('has a dashboard whose every panel queries something', () => {
    expect(dashboard).toMatchObject({ uid: 'sagaflow-overview', title: 'Sagaflow' });
    const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(graphs.length).toBeGreaterThan(5);
    expect(graphs.filter((panel) => !panel.targets?.length).map((panel) => panel.title)).toEqual(
      [],
    );
  });

  it('alerts on FAILED sagas, outbox lag and dead letters, each with a severity and a summary', () => {
    const exprs = alerts.map((alert) => String(alert.expr));
    expect(exprs.some((expr) => expr.includes('sagaflow_sagas{status="FAILED"}'))).toBe(true);
    expect(exprs.some((expr) => expr.includes('sagaflow_outbox_lag_seconds'))).toBe(true);
    expect(exprs.some((expr) => expr.includes('sagaflow_dead_letter_queue_depth'))).toBe(true);
    for (const alert of alerts) {
      expect(alert).toMatchObject({
        alert: expect.stringMatching(/^Sagaflow[A-Za-z]+$/),
        expr: expect.any(String),
        labels: { severity: expect.stringMatching(/^(warning|critical)$/) },
        annotations: { summary: expect.any(String) },
      });
    }
  });

  it('names only metrics the code registers, in the dashboard and in the alerts', () => {
    const queries = [
      ...dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr),
      ...alerts.map((alert) => String(alert.expr)),
    ];
    expect(queries.filter((query) => metricNamesIn(query).length === 0)).toEqual([]);
    const named = new Set(queries.flatMap(metricNamesIn));
    expect([...named].filter((name) => !series.has(name))).toEqual([]);
    // Template variables read label values of registered metrics too.
    for (const variable of dashboard.templating.list.filter((item) => item.type === 'query')) {
      const metric = /^label_values\((\w+),\s*\w+\)$/.exec(variable.query)?.[1];
      expect(metric && series.has(metric)).toBe(true);
    }
  });

  it('is checked for real: a misspelled metric is caught', () => {
    expect(
      metricNamesIn('max by (job) (sagaflow_outbox_lag_secnds{job=~"$app"}[5m]) > 60'),
    ).toEqual(['sagaflow_outbox_lag_secnds']);
  });
});

describe('the README', () => {
  it('documents every metric the apps register', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(ownMetrics.length).toBeGreaterThan(10);
    expect(ownMetrics.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
