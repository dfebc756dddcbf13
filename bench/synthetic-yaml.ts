/**
 * A synthetic cluster as Kubernetes objects (and as multi-document YAML): namespaces with labels,
 * pods with labels, IPs and named ports spread over nodes, NetworkPolicies with pod, namespace and
 * ipBlock peers. Deterministic; used by the datastore benchmark and reusable by tests.
 */
import { stringify } from 'yaml';

export interface YamlClusterShape {
  readonly namespaces: number;
  readonly pods: number;
  readonly nodes: number;
  readonly policies: number;
}

export interface KubeObjectWithPath {
  /** The API path the object lives under (`/api/v1/pods`). */
  readonly path: string;
  readonly object: Record<string, unknown>;
}

const APPS = ['web', 'api', 'db', 'cache', 'worker'];

export function yamlClusterObjects(shape: YamlClusterShape): KubeObjectWithPath[] {
  const objects: KubeObjectWithPath[] = [];
  for (let n = 0; n < shape.namespaces; n += 1) {
    objects.push({ path: '/api/v1/namespaces', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${n}`, labels: { team: `team-${n % 10}`, env: n % 2 === 0 ? 'prod' : 'dev' } } } });
  }
  for (let p = 0; p < shape.pods; p += 1) {
    const app = APPS[p % APPS.length]!;
    const ip = `10.${(p >> 16) & 255}.${(p >> 8) & 255}.${p & 255}`;
    objects.push({
      path: '/api/v1/pods',
      object: {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: `${app}-${p}`, namespace: `ns-${p % shape.namespaces}`, labels: { app, version: `v${p % 3}`, 'pod-template-hash': (p * 2654435761 % 2 ** 32).toString(16) } },
        spec: { nodeName: `node-${p % shape.nodes}`, serviceAccountName: 'default', containers: [{ name: 'main', image: `example/${app}:1`, ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] },
        status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
      },
    });
  }
  for (let q = 0; q < shape.policies; q += 1) {
    const app = APPS[q % APPS.length]!;
    const peer = APPS[(q + 1) % APPS.length]!;
    objects.push({
      path: '/apis/networking.k8s.io/v1/networkpolicies',
      object: {
        apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
        metadata: { name: `allow-${peer}-to-${app}-${q}`, namespace: `ns-${q % shape.namespaces}` },
        spec: {
          podSelector: { matchLabels: { app } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            { from: [{ podSelector: { matchLabels: { app: peer } } }, { namespaceSelector: { matchLabels: { team: `team-${q % 10}` } } }], ports: [{ port: 'http' }, { port: 8443 }] },
            { from: [{ ipBlock: { cidr: '192.168.0.0/16', except: [`192.168.${q % 256}.0/24`] } }] },
          ],
          egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] }],
        },
      },
    });
  }
  return objects;
}

export function toYaml(objects: readonly KubeObjectWithPath[]): string {
  return objects.map(({ object }) => stringify(object)).join('---\n');
}
