/**
 * Felix's validation filter, dispatcher and local-endpoint filter (calc_graph.go) as one routing
 * table: which calculators hear an update. Endpoints of other hosts only feed IP set membership;
 * this host's endpoints also decide which policies are active and get tiers resolved. Both wirings
 * route with `routeUpdate`, so they cannot disagree about who hears what.
 */
import type { ModelUpdate } from '../model/records.js';
import { validateRecord } from '../model/validate.js';
import type { InvalidRecord } from '../model/validate.js';

/** The calculators a model update can go to. */
export type Stage = 'arc' | 'resolver' | 'members' | 'config';

const LOCAL_ENDPOINT: readonly Stage[] = ['arc', 'resolver', 'members'];
const REMOTE_ENDPOINT: readonly Stage[] = ['members'];
const ROUTES: Record<Exclude<ModelUpdate['type'], 'WorkloadEndpoint' | 'HostEndpoint'>, readonly Stage[]> = {
  GlobalConfig: ['config'],
  HostConfig: ['config'],
  ReadyFlag: ['config'],
  Tier: ['resolver'],
  Policy: ['arc', 'resolver'],
  ProfileRules: ['arc'],
  ProfileLabels: ['arc', 'members'],
  NetworkSet: ['members'],
};

/**
 * The hostname that makes every endpoint local: the cluster view `troupe trace` evaluates (no Kubernetes
 * node can be called `*`).
 */
export const ALL_HOSTS = '*';

export function isLocal(update: ModelUpdate, hostname: string): boolean {
  return (update.type === 'WorkloadEndpoint' || update.type === 'HostEndpoint') && (update.key.hostname === hostname || hostname === ALL_HOSTS);
}

/** The stages that hear `update`, in the order Felix's dispatcher calls them. */
export function routeUpdate(update: ModelUpdate, hostname: string): readonly Stage[] {
  if (update.type === 'WorkloadEndpoint' || update.type === 'HostEndpoint') {
    return update.key.hostname === hostname || hostname === ALL_HOSTS ? LOCAL_ENDPOINT : REMOTE_ENDPOINT;
  }
  return ROUTES[update.type];
}

/**
 * Validates raw records into updates: an invalid value is reported and passed on as a deletion
 * (Felix's ValidationFilter), a record without a usable type or key is reported and dropped.
 */
export function validateRecords(records: Iterable<unknown>, onInvalid: (invalid: InvalidRecord) => void): ModelUpdate[] {
  const updates: ModelUpdate[] = [];
  for (const record of records) {
    const result = validateRecord(record);
    if (result.invalid !== undefined) onInvalid(result.invalid);
    if (result.update !== undefined) updates.push(result.update);
  }
  return updates;
}
