import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseImage, renderKustomization, strategicMerge } from './render-kustomization.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A throwaway kustomization tree: file path → content. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'kustomize-'));
  dirs.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

const base = {
  'base/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [app.yaml]\n',
  'base/app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          image: example/app:1.0
          env:
            - name: A
              value: a
            - name: B
              value: b
---
apiVersion: v1
kind: Namespace
metadata:
  name: demo
`,
};

describe(renderKustomization.name, () => {
  it('merges a patch into the named container and env entry, keeping the rest', () => {
    const root = tree({
      ...base,
      'overlay/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: demo
resources: [../base]
patches:
  - path: patch.yaml
images:
  - name: example/app
    newName: registry.test/app
    newTag: '2.0'
`,
      'overlay/patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          env:
            - name: B
              value: patched
            - name: C
              value: c
`,
    });
    const [deployment, namespace] = renderKustomization(path.join(root, 'overlay'));
    expect(deployment).toMatchObject({
      metadata: { name: 'app', namespace: 'demo' },
      spec: {
        replicas: 3,
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'registry.test/app:2.0',
                env: [
                  { name: 'A', value: 'a' },
                  { name: 'B', value: 'patched' },
                  { name: 'C', value: 'c' },
                ],
              },
            ],
          },
        },
      },
    });
    expect(namespace.metadata.namespace).toBeUndefined();
  });

  it('patches every object of a target kind and generates Secrets', () => {
    const root = tree({
      ...base,
      'overlay/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base]
patches:
  - path: patch.yaml
    target:
      kind: Deployment
generatorOptions:
  disableNameSuffixHash: true
secretGenerator:
  - name: app-secrets
    literals: [URL=postgres://u:p@h/db]
`,
      'overlay/patch.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: any\nspec:\n  paused: true\n',
    });
    const objects = renderKustomization(path.join(root, 'overlay'));
    expect(objects[0].spec).toMatchObject({ paused: true });
    expect(objects[2]).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'app-secrets' },
      type: 'Opaque',
      data: { URL: Buffer.from('postgres://u:p@h/db').toString('base64') },
    });
  });

  it('generates a ConfigMap from files, keyed by file name, with its labels', () => {
    const root = tree({
      'k/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
generatorOptions:
  disableNameSuffixHash: true
configMapGenerator:
  - name: dashboards
    files: [board.json, renamed.json=other.json]
    options:
      labels:
        grafana_dashboard: '1'
`,
      'k/board.json': '{"title":"a"}',
      'k/other.json': '{"title":"b"}',
    });
    expect(renderKustomization(path.join(root, 'k'))).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'dashboards', labels: { grafana_dashboard: '1' } },
        data: { 'board.json': '{"title":"a"}', 'renamed.json': '{"title":"b"}' },
      },
    ]);
  });

  it('refuses what it cannot render instead of ignoring it', () => {
    const kustomization = (extra: string) =>
      tree({
        ...base,
        'overlay/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n${extra}`,
      });
    expect(() =>
      renderKustomization(path.join(kustomization('commonLabels: {a: b}\n'), 'overlay')),
    ).toThrow('"commonLabels" is not supported');
    expect(() =>
      renderKustomization(
        path.join(kustomization('images: [{name: other/app, newTag: "2"}]\n'), 'overlay'),
      ),
    ).toThrow('matches no container');
    const unmatched = tree({
      ...base,
      'overlay/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches: [{path: p.yaml}]\n',
      'overlay/p.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: typo\nspec:\n  replicas: 1\n',
    });
    expect(() => renderKustomization(path.join(unmatched, 'overlay'))).toThrow('matches no object');
  });
});

describe(strategicMerge.name, () => {
  it('replaces lists without a merge key and deletes keys patched to null', () => {
    expect(
      strategicMerge({ args: ['a', 'b'], keep: 1, drop: 2 }, { args: ['c'], drop: null }),
    ).toEqual({
      args: ['c'],
      keep: 1,
    });
  });
});

describe(parseImage.name, () => {
  it('tells a registry port from a tag', () => {
    expect(parseImage('registry:5000/team/app')).toEqual({ name: 'registry:5000/team/app' });
    expect(parseImage('registry:5000/team/app:1.2@sha256:abc')).toEqual({
      name: 'registry:5000/team/app',
      tag: '1.2',
      digest: 'sha256:abc',
    });
  });
});
