import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { renderKustomization, type KubeObject } from './render-kustomization.js';

function kubectlAnswers(): boolean {
  const probe = spawnSync('kubectl', ['version', '--client'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return probe.status === 0;
}

/**
 * What renders the manifests in this run: the real `kubectl kustomize` where kubectl is installed,
 * else the tests' own renderer (`render-kustomization.ts`), which covers the subset our overlays
 * use. Test titles name it, so a report says which one ran.
 */
export const KUSTOMIZE: 'kubectl kustomize' | 'the test renderer (no kubectl)' = kubectlAnswers()
  ? 'kubectl kustomize'
  : 'the test renderer (no kubectl)';

/** The objects a kustomization directory renders to, by `KUSTOMIZE`. */
export function kustomize(dir: string): KubeObject[] {
  if (KUSTOMIZE !== 'kubectl kustomize') return renderKustomization(dir);
  const run = spawnSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null)
    .map(unwrapSecretData);
}

/**
 * kustomize wraps long base64 values of a Secret's `data` over several lines, which the API
 * server's decoder skips but the schema's `byte` format refuses: join them as the server reads them.
 */
function unwrapSecretData(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null) {
    return object;
  }
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      value.replace(/\s+/g, ''),
    ]),
  );
  return { ...object, data };
}
