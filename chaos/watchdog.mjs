// The harness's last line of defence: a process of its own that, should the harness die without
// cleaning up (a crash, SIGKILL), kills the apps it started and starts PostgreSQL and RabbitMQ
// again. It holds the shared lock's descriptor when it was given one, so nobody else gets the
// lock before the machine is whole again. Started and told about the apps by chaos/watchdog-link.mjs.
import process from 'node:process';
import { restoreInfrastructure } from './infrastructure.mjs';

let pids = [];
let done = false;

// The terminal's Ctrl-C reaches the harness, which cleans up and then tells us we are done.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

process.on('message', (message) => {
  if (message.pids) pids = message.pids;
  if (message.done) {
    done = true;
    process.exit(0);
  }
});

process.on('disconnect', () => {
  if (done) return;
  console.error(
    '[chaos watchdog] the harness died: killing its apps, starting PostgreSQL and RabbitMQ',
  );
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  restoreInfrastructure().then(
    () => process.exit(0),
    (error) => {
      console.error(`[chaos watchdog] RESTORING FAILED: ${error.message}`);
      process.exit(1);
    },
  );
});
