import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(import.meta.dirname, 'fixtures');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Every rule of the configuration, by name. */
const rules = (
  createRequire(import.meta.url)(CONFIG) as { forbidden: { name: string }[] }
).forbidden.map((rule) => rule.name);

/** Cruises the fixture tree with the repository's own rules, as `npm run lint:arch` would. */
function violationsOfFixtures(): Violation[] {
  const cruise = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      'apps',
      'libs',
      '--config',
      CONFIG,
      '--output-type',
      'json',
    ],
    { cwd: FIXTURES, encoding: 'utf8' },
  );
  if (!cruise.stdout) throw new Error(`depcruise wrote nothing: ${cruise.stderr}`);
  return (JSON.parse(cruise.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('the dependency rules', () => {
  const violations = violationsOfFixtures();
  /** The fixture files that start a violation of `rule`. */
  const sourcesBreaking = (rule: string) =>
    [...new Set(violations.filter((v) => v.rule.name === rule).map((v) => v.from))].sort();

  it.each(rules)('%s fails on its fixture, and only there', (rule) => {
    const fixture = expect.stringMatching(new RegExp(`/breaks-${rule}\\.mjs$`));
    expect(sourcesBreaking(rule)).toEqual([fixture]);
  });

  it('has a fixture for every rule and no fixture breaks a rule it is not named for', () => {
    const broken = violations.map((v) => `${v.rule.name} ${v.from.replace(/^.*\/breaks-/, '')}`);
    expect(new Set(broken)).toEqual(new Set(rules.map((rule) => `${rule} ${rule}.mjs`)));
  });
});
