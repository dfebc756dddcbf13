/**
 * One Kubernetes or Calico object → the model records it stands for (calico-model.md §0). A kind
 * troupe does not need (a Deployment, a Service) is ignored with a reason; a kind it needs but cannot
 * read is a `ConversionError` naming the object, the field and the problem.
 */
import {
  convertFelixConfiguration, convertGlobalNetworkPolicy, convertHostEndpoint, convertNetworkPolicy, convertNetworkSet, convertProfile,
  convertTier, convertWorkloadEndpoint,
} from './calico-resources.js';
import { convertK8sNetworkPolicy } from './k8s-network-policy.js';
import { convertNamespace, convertPod, convertServiceAccount } from './k8s-workloads.js';
import { ConversionError, objectName } from './resource.js';
import type { KubeObject, ModelRecord } from './resource.js';

export interface Converted {
  readonly records: readonly ModelRecord[];
  /** Why nothing was made of it, for a kind troupe does not use. */
  readonly ignored?: string;
}

const CALICO_GROUPS = new Set(['projectcalico.org/v3', 'crd.projectcalico.org/v1']);
const STAGED = new Set(['StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', 'StagedKubernetesNetworkPolicy']);

function calico(object: KubeObject, kind: string): Converted | undefined {
  switch (kind) {
    case 'GlobalNetworkPolicy': return { records: convertGlobalNetworkPolicy(object) };
    case 'NetworkPolicy': return { records: convertNetworkPolicy(object) };
    case 'Tier': return { records: convertTier(object) };
    case 'Profile': return { records: convertProfile(object) };
    case 'HostEndpoint': return { records: convertHostEndpoint(object) };
    case 'WorkloadEndpoint': return { records: convertWorkloadEndpoint(object) };
    case 'NetworkSet': return { records: convertNetworkSet(object, false) };
    case 'GlobalNetworkSet': return { records: convertNetworkSet(object, true) };
    case 'FelixConfiguration': return { records: convertFelixConfiguration(object) };
    default:
      // Staged policies never change a verdict; they only feed flow logs, which troupe does not make.
      if (STAGED.has(kind)) return { records: [], ignored: 'staged policies do not enforce' };
      return undefined;
  }
}

export function convertObject(raw: unknown): Converted {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConversionError('document', '-', 'not a mapping with apiVersion and kind');
  const object = raw as KubeObject;
  const { apiVersion = '', kind = '' } = object;
  if (kind === '') throw new ConversionError('document', objectName(object), 'no kind');
  if (CALICO_GROUPS.has(apiVersion)) {
    const converted = calico(object, kind);
    if (converted !== undefined) return converted;
  } else if (apiVersion === 'v1') {
    switch (kind) {
      case 'Pod': return { records: convertPod(object) };
      case 'Namespace': return { records: convertNamespace(object) };
      case 'ServiceAccount': return { records: convertServiceAccount(object) };
      case 'Node': return { records: [], ignored: 'nodes do not change policy (auto host endpoints are not enabled)' };
      default: break;
    }
  } else if (apiVersion === 'networking.k8s.io/v1' && kind === 'NetworkPolicy') {
    return { records: convertK8sNetworkPolicy(object) };
  }
  return { records: [], ignored: `${apiVersion} ${kind} is not a kind troupe reads` };
}
