/**
 * The messages that take a dataplane from one state to another, in the EventSequencer's dependency
 * order (config; new sets; deltas; policies, profiles, endpoints; then removals in reverse). Used when
 * the calc graph recomputes from scratch after a crash: the dataplane keeps what it has and receives
 * only the difference, so it never sees a set added twice or a policy removed while in use.
 */
import type { IpSetMeta, ToDataplanePayload } from '../../../protocol/dataplane/messages.js';
import type { DataplaneState, EndpointState } from './dataplane-state.js';

export interface DataplaneMessage {
  readonly payload: ToDataplanePayload;
  readonly meta?: IpSetMeta;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function endpointRemoval(state: EndpointState): ToDataplanePayload {
  const update = state.update;
  return 'workloadEndpointUpdate' in update
    ? { workloadEndpointRemove: { id: update.workloadEndpointUpdate.id } }
    : { hostEndpointRemove: { id: update.hostEndpointUpdate.id } };
}

function ipSetChanges(from: DataplaneState, to: DataplaneState, out: DataplaneMessage[]): void {
  for (const [id, set] of to.ipSets) {
    if (from.ipSets.has(id)) continue;
    const payload: ToDataplanePayload = { ipsetUpdate: { id, members: [...set.members], type: set.type } };
    out.push(set.meta === undefined ? { payload } : { payload, meta: set.meta });
  }
  for (const [id, set] of to.ipSets) {
    const old = from.ipSets.get(id);
    if (old === undefined) continue;
    const addedMembers = [...set.members].filter((member) => !old.members.has(member));
    const removedMembers = [...old.members].filter((member) => !set.members.has(member));
    if (addedMembers.length > 0 || removedMembers.length > 0) out.push({ payload: { ipsetDeltaUpdate: { id, addedMembers, removedMembers } } });
  }
}

export function diffDataplane(from: DataplaneState, to: DataplaneState): DataplaneMessage[] {
  const out: DataplaneMessage[] = [];
  if (to.config !== undefined && !same(from.config, to.config)) out.push({ payload: { configUpdate: { config: to.config } } });
  ipSetChanges(from, to, out);
  for (const [name, policy] of to.policies) {
    if (!same(from.policies.get(name), policy)) out.push({ payload: { activePolicyUpdate: { id: to.policyIds.get(name)!, policy } } });
  }
  for (const [name, profile] of to.profiles) {
    if (!same(from.profiles.get(name), profile)) out.push({ payload: { activeProfileUpdate: { id: { name }, profile } } });
  }
  const endpoints = [...to.endpoints].sort(([, a], [, b]) => Number('hostEndpointUpdate' in a.update) - Number('hostEndpointUpdate' in b.update));
  for (const [name, state] of endpoints) {
    if (!same(from.endpoints.get(name)?.update, state.update)) out.push({ payload: state.update });
  }
  const gone = [...from.endpoints].filter(([name]) => !to.endpoints.has(name))
    .sort(([, a], [, b]) => Number('hostEndpointUpdate' in a.update) - Number('hostEndpointUpdate' in b.update));
  for (const [, state] of gone) out.push({ payload: endpointRemoval(state) });
  for (const name of from.profiles.keys()) if (!to.profiles.has(name)) out.push({ payload: { activeProfileRemove: { id: { name } } } });
  for (const name of from.policies.keys()) if (!to.policies.has(name)) out.push({ payload: { activePolicyRemove: { id: from.policyIds.get(name)! } } });
  for (const id of from.ipSets.keys()) if (!to.ipSets.has(id)) out.push({ payload: { ipsetRemove: { id } } });
  return out;
}
