import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { loadConfig } from './load-config.js';
import { serviceEnv } from './service.config.js';
import { tracingSettingsOf } from './tracing.config.js';

const schema = z.object(serviceEnv(3999));
const settings = (env: Record<string, string>) =>
  tracingSettingsOf(loadConfig(schema, env), 'credit');

describe(tracingSettingsOf.name, () => {
  it('is off unless an exporter is configured', () => {
    expect(settings({})).toBeUndefined();
    expect(settings({ NODE_ENV: 'production' })).toBeUndefined();
  });

  it('exports over OTLP once a collector endpoint is set, named after the app', () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({
      serviceName: 'credit',
      exporter: 'otlp',
    });
    expect(
      settings({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces',
        OTEL_SERVICE_NAME: 'credit-eu',
      }),
    ).toEqual({ serviceName: 'credit-eu', exporter: 'otlp' });
  });

  it('stays off when told so, whatever else is set', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(settings({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(settings({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('writes spans to a file for system tests', () => {
    expect(
      settings({ OTEL_TRACES_EXPORTER: 'file', OTEL_TRACES_FILE: '/tmp/spans.jsonl' }),
    ).toEqual({ serviceName: 'credit', exporter: 'file', file: '/tmp/spans.jsonl' });
  });

  it('refuses the file exporter in production, and a file without it', () => {
    const file = { OTEL_TRACES_EXPORTER: 'file', OTEL_TRACES_FILE: '/tmp/spans.jsonl' };
    expect(() => settings({ ...file, NODE_ENV: 'production' })).toThrow(
      'OTEL_TRACES_EXPORTER=file is for tests only and must not be set in production',
    );
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'file' })).toThrow(
      'OTEL_TRACES_FILE is required when OTEL_TRACES_EXPORTER=file',
    );
    expect(() => settings({ OTEL_TRACES_FILE: '/tmp/spans.jsonl' })).toThrow(
      'OTEL_TRACES_FILE is read only when OTEL_TRACES_EXPORTER=file',
    );
  });

  it('names a mistyped exporter or endpoint at start-up', () => {
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(
      'OTEL_TRACES_EXPORTER: must be otlp, none or file (got "jaeger")',
    );
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL starting with http:// or https://',
    );
  });
});
