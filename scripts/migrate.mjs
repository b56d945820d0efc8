// Migrates the schema of every app that owns data (or of the apps named), one after the other,
// with the built bundles' own migrate command: what a Kubernetes migration Job runs per app.
//   npm run migration:run                 # order, credit, payment, saga-orchestrator
//   npm run migration:run -- credit       # only credit
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { apps } from './services.mjs';

const owners = apps.map((app) => app.name).filter((name) => name !== 'gateway');
const named = process.argv.slice(2);
const unknown = named.filter((name) => !owners.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown app ${unknown.join(', ')}; apps that own a schema: ${owners.join(', ')}`);
  process.exit(2);
}

for (const name of named.length > 0 ? named : owners) {
  const bundle = `dist/apps/${name}/main.js`;
  if (!existsSync(bundle)) {
    console.error(`${bundle} is missing: run \`npm run build\` first.`);
    process.exit(1);
  }
  console.log(`Migrating ${name}`);
  const { status } = spawnSync(process.execPath, [bundle, 'migrate'], { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`${name}'s migrations failed (exit code ${status})`);
    process.exit(status ?? 1);
  }
}
