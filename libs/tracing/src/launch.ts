import { ConfigError, tracingSettingsOf, type TracingEnv } from '@app/config';
import { startTracing } from './tracing.js';

/** What an app's process runs once its config is valid and tracing has started. */
export interface AppEntry<C> {
  start(config: C): Promise<void>;
}

/**
 * Runs an app process: loads its config (a bad variable stops it with one line naming it), starts
 * tracing, and only then imports the app itself. The import must come after: in our ESM bundle
 * every static import is evaluated before any code runs, and the instrumentations can only patch
 * a package (pg, http) that loads after them. rspack emits the imported app as a chunk of its own,
 * so the entry chunk holds nothing but config and this.
 */
export function launch<C extends TracingEnv & { NODE_ENV: string }>(
  name: string,
  loadConfig: () => C,
  importApp: () => Promise<AppEntry<C>>,
): void {
  const { config, tracing } = configOrExit(name, () => {
    const loaded = loadConfig();
    return { config: loaded, tracing: tracingSettingsOf(loaded, name) };
  });
  startTracing(tracing)
    .then(importApp)
    .then((app) => app.start(config))
    .catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${name}: failed to start: ${reason}\n`);
      process.exit(1);
    });
}

/**
 * Loads config before anything else, so a bad variable stops the process with one clear line
 * rather than a stack trace from deep inside a module.
 */
function configOrExit<T>(name: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n`);
    process.exit(1);
  }
}
