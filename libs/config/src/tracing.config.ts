import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { env } from './env-fields.js';

/**
 * OpenTelemetry tracing, with the standard OTEL_* names. Off unless an exporter is configured; off,
 * no SDK starts at all and the API stays a no-op. The OTLP exporter itself reads the rest of
 * the standard variables (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION...) and the SDK the
 * sampler ones, validated here.
 */
export const tracingEnv = () => ({
  /** Standard kill switch: true turns tracing off whatever else is set. */
  OTEL_SDK_DISABLED: env.boolean(false),
  /** The collector; setting it (or the traces-only one) turns tracing on with OTLP. */
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url(['http:', 'https:']).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: env.url(['http:', 'https:']).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(['http/protobuf', 'http/json', 'grpc'], {
      error: 'must be http/protobuf, http/json or grpc',
    })
    .optional(),
  /** `otlp` (the default once an endpoint is set), `none`, or `file` (tests only). */
  OTEL_TRACES_EXPORTER: z
    .enum(['otlp', 'none', 'file'], { error: 'must be otlp, none or file' })
    .optional(),
  /** Where the `file` exporter appends one JSON span per line; tests only. */
  OTEL_TRACES_FILE: z.string().min(1).optional(),
  /** Defaults to the app's name. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(
      [
        'always_on',
        'always_off',
        'traceidratio',
        'parentbased_always_on',
        'parentbased_always_off',
        'parentbased_traceidratio',
      ],
      { error: 'must be one of the standard samplers, e.g. parentbased_traceidratio' },
    )
    .optional(),
  /** The ratio of the `traceidratio` samplers, from 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, { error: 'must be a number from 0 to 1' })
    .max(1, { error: 'must be a number from 0 to 1' })
    .optional(),
});

export type TracingEnv = z.infer<z.ZodObject<ReturnType<typeof tracingEnv>>>;

/** What the tracing SDK needs once tracing is on. */
export type TracingSettings =
  | { serviceName: string; exporter: 'otlp' }
  | { serviceName: string; exporter: 'file'; file: string };

/**
 * The tracing settings, or undefined when tracing is off. The file exporter exists for system
 * tests that read spans back; production refuses it, like every other test-only setting.
 */
export function tracingSettingsOf(
  config: TracingEnv & { NODE_ENV: string },
  service: string,
): TracingSettings | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const exporter = config.OTEL_TRACES_EXPORTER ?? (endpoint ? 'otlp' : 'none');
  const problems: string[] = [];
  if (config.NODE_ENV === 'production' && exporter === 'file') {
    problems.push('OTEL_TRACES_EXPORTER=file is for tests only and must not be set in production');
  }
  if (exporter === 'file' && !config.OTEL_TRACES_FILE) {
    problems.push('OTEL_TRACES_FILE is required when OTEL_TRACES_EXPORTER=file');
  }
  if (exporter !== 'file' && config.OTEL_TRACES_FILE) {
    problems.push('OTEL_TRACES_FILE is read only when OTEL_TRACES_EXPORTER=file');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (config.OTEL_SDK_DISABLED || exporter === 'none') return undefined;
  const serviceName = config.OTEL_SERVICE_NAME ?? service;
  return exporter === 'file'
    ? { serviceName, exporter, file: config.OTEL_TRACES_FILE ?? '' }
    : { serviceName, exporter };
}
