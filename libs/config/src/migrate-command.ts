/**
 * `node main.js migrate`: what a Kubernetes migration Job runs once per release. main.js asks
 * before it loads a config, since migrating reads only the database settings (migrationConfig).
 */
export function isMigrateCommand(argv: readonly string[] = process.argv): boolean {
  return argv[2] === 'migrate';
}
