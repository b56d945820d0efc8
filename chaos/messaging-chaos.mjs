import { readFileSync } from 'node:fs';
import { INSTANCES } from './layout.mjs';

/**
 * Duplicated and reordered deliveries made inside the apps' messaging layer (libs/messaging),
 * switched on per process by environment variables. This harness only asks for them: a build
 * whose config does not know `MESSAGING_CHAOS` is reported as not supporting them (see
 * chaos/README.md, "The messaging switch", for what the switch must do).
 */
export const VARIABLE = 'MESSAGING_CHAOS';

const bundle = (app) => new URL(`../dist/apps/${app}/main.js`, import.meta.url);

/** Whether every app's build reads the variable (its config schema names it). */
export function messagingChaosSupport(kinds) {
  if (kinds.length === 0) return { enabled: false, summary: 'off' };
  const apps = [...new Set(INSTANCES.map((instance) => instance.app))];
  const missing = apps.filter((app) => !readFileSync(bundle(app), 'utf8').includes(VARIABLE));
  if (missing.length > 0) {
    return {
      enabled: false,
      summary: `not supported by this build (${missing.join(', ')} do not read ${VARIABLE}); skipped`,
    };
  }
  return { enabled: true, summary: 'requested' };
}

/** One instance's variables: its own seed, so each instance's choices can be replayed. */
export function messagingChaosEnv(kinds, rate, seed, instance) {
  return {
    [VARIABLE]: kinds.join(','),
    MESSAGING_CHAOS_RATE: String(rate),
    MESSAGING_CHAOS_SEED: String(seed + instance.index),
  };
}

/**
 * What the apps say they did: one JSON log line per injection with `messagingChaos` set to
 * `duplicate` or `reorder`, and one at start-up with `messagingChaos: "on"`.
 */
export function countInjections(logOf) {
  const injected = { duplicate: 0, reorder: 0 };
  const confirmed = [];
  for (const instance of INSTANCES) {
    for (const line of logOf(instance.name).split('\n')) {
      if (!line.includes('"messagingChaos"')) continue;
      let kind;
      try {
        kind = JSON.parse(line).messagingChaos;
      } catch {
        continue;
      }
      if (kind === 'on' && !confirmed.includes(instance.name)) confirmed.push(instance.name);
      if (kind in injected) injected[kind] += 1;
    }
  }
  return { injected, confirmed };
}
