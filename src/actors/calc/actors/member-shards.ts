/**
 * The member calculator split by endpoint. With one shard (the default) the graph is as drawn in
 * wiring.ts. With N > 1, each endpoint or network set lives on one shard, chosen by a hash of its key;
 * every shard hears every IP set's lifecycle and every profile's labels, and computes the members its
 * own endpoints give. `/calc/member-calc` then merges them (labels/member-merge.ts): a member is in a
 * set while any shard has it, and overlap suppression runs there, over the whole set.
 *
 *   source ──endpoints by key hash──▶ /calc/member-shard-1..N ──members──▶ /calc/member-calc ──▶ sequencer
 *   scanner ──IP set lifecycle (all)─▶          ▲                            (merge, aligned barriers)
 *   source ──profile labels (all)──────────────┘
 *
 * The shards' label indexes do the heavy part of a snapshot (filing and matching 100,000 endpoints),
 * so on two worker threads each does half. A placement asks for shards by naming them: the count is
 * the highest `/calc/member-shard-N` its rules place.
 */
import type { ModelUpdate } from '../model/records.js';
import type { Placement } from '../../../runtime/threads/placement.js';
import { CALC_PATHS } from './calc-paths.js';
import type { Outbox } from './stage-actor.js';

export const MAX_MEMBER_SHARDS = 8;
const MEMBERS = CALC_PATHS.members;
const SHARD_PREFIX = '/calc/member-shard-';

export function memberShardPath(index: number): string {
  return `${SHARD_PREFIX}${index}`;
}

/** The shard number in a shard's path; undefined for any other path. */
function shardNumber(path: string): number | undefined {
  if (!path.startsWith(SHARD_PREFIX)) return undefined;
  const index = Number(path.slice(SHARD_PREFIX.length));
  return Number.isInteger(index) && index >= 1 && index <= MAX_MEMBER_SHARDS ? index : undefined;
}

export function shardIndexOf(path: string): number {
  const index = shardNumber(path);
  if (index === undefined) throw new RangeError(`invariant: ${path} is not a member shard`);
  return index;
}

export function checkShardCount(shards: number): void {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_MEMBER_SHARDS) throw new RangeError(`memberShards must be an integer from 1 to ${MAX_MEMBER_SHARDS}, not ${shards}`);
}

/** The actors that hear the member calculator's inputs: the calculator itself, or its shards. */
export function memberInputs(shards: number): readonly string[] {
  if (shards <= 1) return [MEMBERS];
  return Array.from({ length: shards }, (_, index) => memberShardPath(index + 1));
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv(hash: number, text: string): number {
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), FNV_PRIME);
  return hash;
}

/** FNV-1a over the key's UTF-16 units: stable across threads and processes, cheap, spread evenly. */
export function shardOfKey(key: string, shards: number): number {
  return ((fnv(FNV_OFFSET, key) >>> 0) % shards) + 1;
}

/** `shardOfKey(keyString(update))`, without building the key string (one per record of a snapshot). */
export function shardOfUpdate(update: ModelUpdate, shards: number): number {
  let hash = fnv(FNV_OFFSET, update.type);
  for (const part of Object.values(update.key)) hash = fnv(fnv(hash, '/'), String(part));
  return ((hash >>> 0) % shards) + 1;
}

/** Hands an update meant for the member calculator to the shard that owns it (profile labels: to all). */
export function pushToMembers(out: Outbox, update: ModelUpdate, shards: number): void {
  if (shards <= 1) out.push(MEMBERS, update);
  else if (update.type === 'ProfileLabels') for (let index = 1; index <= shards; index += 1) out.push(memberShardPath(index), update);
  else out.push(memberShardPath(shardOfUpdate(update, shards)), update);
}

/** How many shards a placement asks for: the highest `/calc/member-shard-N` it places (1 if none). */
export function memberShardsOf(placement: Placement): number {
  let shards = 1;
  for (const path of Object.keys(placement.describe().actors)) shards = Math.max(shards, shardNumber(path) ?? 1);
  return shards;
}
