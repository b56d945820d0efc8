// Runs every Sagaflow app as its own process with prefixed output; Ctrl-C stops them all.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { concurrently } from 'concurrently';
import { apps, infrastructure } from './services.mjs';

function reachable({ host, port }, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function checkInfrastructure() {
  let missing = 0;
  for (const service of infrastructure()) {
    if (await reachable(service)) continue;
    missing += 1;
    console.error(
      `\n✗ ${service.name} is not reachable at ${service.host}:${service.port}. Start it with one of:`,
    );
    for (const line of service.howToStart) console.error(`    ${line}`);
  }
  if (missing > 0) {
    console.error('\nThen run `npm start` again.');
    process.exit(1);
  }
}

async function announceWhenReady(gateway) {
  const url = `http://127.0.0.1:${gateway.port}`;
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) {
      console.log(
        `\n  Sagaflow is up. Gateway: ${url}   (health: ${url}/health/ready)\n  Ctrl-C stops every app.\n`,
      );
      return;
    }
    await sleep(500);
  }
  console.error('\n  The gateway did not become ready within a minute; see the logs above.\n');
}

await checkInfrastructure();

// Each app uses its own default port; a PORT left in the shell would make them collide.
const { PORT: _ignored, ...env } = process.env;
const { result } = concurrently(
  apps.map((app) => ({
    name: app.name,
    command: `node dist/apps/${app.name}/main.js`,
    prefixColor: app.color,
    env,
  })),
  { prefix: 'name', padPrefix: true, killOthersOn: ['failure'], killSignal: 'SIGTERM' },
);
void announceWhenReady(apps.find((app) => app.name === 'gateway'));
await result.then(
  () => process.exit(0),
  () => process.exit(1),
);
