/** Thrown when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  readonly code = 'config.invalid';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}
