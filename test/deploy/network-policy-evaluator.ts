import type {
  INetworkPolicy,
  INetworkPolicyPeer,
  INetworkPolicyPort,
} from 'kubernetes-models/networking.k8s.io/v1';
import type { IIoK8sApimachineryPkgApisMetaV1LabelSelector as LabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';

/**
 * Answers "may pod A open a TCP connection to pod B on port P?" under a set of NetworkPolicies,
 * with the semantics of the NetworkPolicy API: a pod selected by no policy of a direction is open
 * in that direction; a selected pod allows only what some rule of a selecting policy allows; a
 * connection needs both A's egress and B's ingress. Named ports and ipBlocks are not modelled.
 */
export interface Pod {
  namespace: string;
  labels: Record<string, string>;
}

export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    if (operator === 'In' && !(has && values.includes(labels[key]))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key])) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function peerMatches(peer: INetworkPolicyPeer, policyNamespace: string, pod: Pod): boolean {
  if (peer.ipBlock) return false;
  const namespaceLabels = { 'kubernetes.io/metadata.name': pod.namespace };
  const inNamespace = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, namespaceLabels)
    : pod.namespace === policyNamespace;
  return inNamespace && matchesSelector(peer.podSelector, pod.labels);
}

function portMatches(
  ports: INetworkPolicyPort[] | undefined,
  port: number,
  protocol: string,
): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some(
    (rule) =>
      (rule.protocol ?? 'TCP') === protocol &&
      (rule.port === undefined ||
        rule.port === port ||
        (rule.endPort !== undefined &&
          typeof rule.port === 'number' &&
          port >= rule.port &&
          port <= rule.endPort)),
  );
}

function allowedIn(
  policies: INetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  subject: Pod,
  peer: Pod,
  port: number,
  protocol: string,
): boolean {
  const selecting = policies.filter(
    (policy) =>
      policy.metadata?.namespace === subject.namespace &&
      matchesSelector(policy.spec?.podSelector, subject.labels) &&
      (policy.spec?.policyTypes ?? ['Ingress']).includes(direction),
  );
  if (selecting.length === 0) return true;
  return selecting.some((policy) => {
    const namespace = policy.metadata?.namespace ?? '';
    const rules =
      direction === 'Ingress'
        ? (policy.spec?.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }))
        : (policy.spec?.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports }));
    return rules.some(
      (rule) =>
        (!rule.peers ||
          rule.peers.length === 0 ||
          rule.peers.some((p) => peerMatches(p, namespace, peer))) &&
        portMatches(rule.ports, port, protocol),
    );
  });
}

export function canConnect(
  policies: INetworkPolicy[],
  from: Pod,
  to: Pod,
  port: number,
  protocol = 'TCP',
): boolean {
  return (
    allowedIn(policies, 'Egress', from, to, port, protocol) &&
    allowedIn(policies, 'Ingress', to, from, port, protocol)
  );
}
