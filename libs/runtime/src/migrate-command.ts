/** `node main.js migrate`: what a Kubernetes migration Job runs once per release. */
export function isMigrateCommand(argv: readonly string[] = process.argv): boolean {
  return argv[2] === 'migrate';
}
