/**
 * The calculators as stages: who each one hears from, whom it tells, and how a batch or a marker
 * becomes calls on the pure calculator. The routing of model updates is the dispatcher's
 * (graph/dispatcher.ts), shared with the fused wiring.
 */
import { ActiveRulesCalculator } from '../active/active-rules-calculator.js';
import { ConfigBatcher } from '../config/config-batcher.js';
import type { Marker } from '../graph/barrier.js';
import type { IpSetLifecycle, MatchEvent, RulesEvent, SequencerEvent } from '../graph/events.js';
import { IpSetMemberIndex } from '../labels/ip-set-member-index.js';
import type { ModelUpdate } from '../model/records.js';
import type { DataplaneMessage } from '../output/dataplane-diff.js';
import { PolicyResolver } from '../policy/policy-resolver.js';
import { RuleScanner } from '../rules/rule-scanner.js';
import { EventSequencer } from '../sequencer/event-sequencer.js';
import { MemberMerge } from '../labels/member-merge.js';
import type { Outbox, Stage, StageDefinition } from './stage-actor.js';
import { CALC_PATHS } from './calc-paths.js';
import { memberInputs, shardIndexOf } from './member-shards.js';

export { CALC_PATHS } from './calc-paths.js';

const P = CALC_PATHS;
const isInSync = (marker: Marker): boolean => marker.status === 'InSync';

export const arcStage: StageDefinition = {
  inputs: [P.source],
  outputs: [P.scanner, P.resolver],
  create(out: Outbox): Stage {
    const arc = new ActiveRulesCalculator({ rules: (event) => out.push(P.scanner, event), matches: (event) => out.push(P.resolver, event) });
    return {
      onData: (_from, items) => { for (const update of items as readonly ModelUpdate[]) arc.onUpdate(update); },
      onMarker: () => undefined,
      report: (figures) => {
        figures.activePolicies = arc.activePolicyCount;
        figures.setSelectorEvaluations('policies', arc.selectorEvaluations);
      },
    };
  },
};

/** Tells the member calculator — every shard of it — which IP sets are needed. */
export function scannerStage(memberShards: number): StageDefinition {
  const members = memberInputs(memberShards);
  return {
    inputs: [P.arc],
    outputs: [...members, P.sequencer],
    create(out: Outbox): Stage {
      const scanner = new RuleScanner({
        ipSets: (event) => { for (const path of members) out.push(path, event); },
        sequencer: (event) => out.push(P.sequencer, event),
      });
      return {
        onData: (_from, items) => { for (const event of items as readonly RulesEvent[]) scanner.onRulesEvent(event); },
        onMarker: () => undefined,
        report: (figures) => { figures.activeSelectors = scanner.activeIpSetCount; },
      };
    },
  };
}

/**
 * The member calculator (`shard` 0), or shard N of it: a shard sends its members to the merge at
 * `/calc/member-calc` rather than to the sequencer, and leaves overlap suppression to the merge.
 */
export function membersStage(options: { suppressOverlaps: boolean }, shard = 0): StageDefinition {
  const output = shard === 0 ? P.sequencer : P.members;
  return {
    inputs: [P.source, P.scanner],
    outputs: [output],
    create(out: Outbox): Stage {
      const index = new IpSetMemberIndex((event) => out.push(output, event), { suppressOverlaps: shard === 0 && options.suppressOverlaps });
      return {
        onData: (from, items) => {
          if (from === P.source) for (const update of items as readonly ModelUpdate[]) index.onUpdate(update);
          else for (const event of items as readonly IpSetLifecycle[]) index.onIpSetEvent(event);
        },
        onMarker: () => undefined,
        report: (figures) => { figures.setSelectorEvaluations('ip-sets', index.calculator.selectorEvaluations, shard); },
      };
    },
  };
}

/** `/calc/member-calc` when the member calculator is sharded: the shards' members as one calculator's. */
export function memberMergeStage(options: { suppressOverlaps: boolean; memberShards: number }): StageDefinition {
  return {
    inputs: memberInputs(options.memberShards),
    outputs: [P.sequencer],
    create(out: Outbox): Stage {
      const merge = new MemberMerge((event) => out.push(P.sequencer, event), options);
      return {
        onData: (_from, items) => { for (const event of items as readonly SequencerEvent[]) merge.onShardEvent(event); },
        onMarker: () => undefined,
      };
    },
  };
}

export const resolverStage: StageDefinition = {
  inputs: [P.source, P.arc],
  outputs: [P.sequencer],
  create(out: Outbox): Stage {
    const resolver = new PolicyResolver((event) => out.push(P.sequencer, event));
    return {
      onData: (from, items) => {
        if (from === P.source) for (const update of items as readonly ModelUpdate[]) resolver.onUpdate(update);
        else for (const event of items as readonly MatchEvent[]) resolver.onMatch(event);
      },
      onMarker: (marker) => {
        if (isInSync(marker)) resolver.onInSync();
        if (marker.flush) resolver.flush();
      },
    };
  },
};

export function configStage(hostname: string): StageDefinition {
  return {
    inputs: [P.source],
    outputs: [P.sequencer],
    create(out: Outbox): Stage {
      const batcher = new ConfigBatcher(hostname, (event) => out.push(P.sequencer, event));
      return {
        onData: (_from, items) => { for (const update of items as readonly ModelUpdate[]) batcher.onUpdate(update); },
        onMarker: (marker) => {
          if (isInSync(marker)) batcher.onInSync();
          if (marker.flush) batcher.flush();
        },
      };
    },
  };
}

export const sequencerStage: StageDefinition = {
  inputs: [P.scanner, P.members, P.resolver, P.config],
  outputs: [P.dataplane],
  create(out: Outbox): Stage {
    const sequencer = new EventSequencer({
      message: (payload, meta) => out.push(P.dataplane, (meta === undefined ? { payload } : { payload, meta }) satisfies DataplaneMessage),
      datastoreNotReady: () => undefined,
    });
    return {
      onData: (_from, items) => { for (const event of items as readonly SequencerEvent[]) sequencer.onEvent(event); },
      onMarker: (marker) => {
        if (isInSync(marker)) sequencer.onInSync();
        if (marker.flush) sequencer.flush();
      },
    };
  },
};

export type StageName = 'arc' | 'scanner' | 'members' | 'member-shard' | 'member-merge' | 'resolver' | 'config' | 'sequencer';

/** What a stage's definition depends on: plain data, so a calculator can be created on any thread. */
export interface StageOptions {
  readonly hostname: string;
  readonly suppressOverlaps: boolean;
  /** 1: one member calculator; more: that many shards and a merge (member-shards.ts). */
  readonly memberShards: number;
}

/**
 * Every calculator of the actor wiring as (path, stage), downstream first (the order they are spawned
 * in, so nothing is sent to an actor not yet there); with shards, the merge sits at the member
 * calculator's path and the shards follow it.
 */
export function calcStages(memberShards: number): [string, StageName][] {
  const shards = memberShards === 1 ? [] : memberInputs(memberShards).map((path): [string, StageName] => [path, 'member-shard']);
  return [
    [P.sequencer, 'sequencer'],
    [P.config, 'config'],
    [P.resolver, 'resolver'],
    [P.members, memberShards === 1 ? 'members' : 'member-merge'],
    ...shards,
    [P.scanner, 'scanner'],
    [P.arc, 'arc'],
  ];
}

/** The definition of the stage called `name`, at `path` (a member shard's number is in its path). */
export function stageDefinition(name: StageName, options: StageOptions, path: string): StageDefinition {
  switch (name) {
    case 'arc': return arcStage;
    case 'scanner': return scannerStage(options.memberShards);
    case 'members': return membersStage(options);
    case 'member-shard': return membersStage(options, shardIndexOf(path));
    case 'member-merge': return memberMergeStage(options);
    case 'resolver': return resolverStage;
    case 'config': return configStage(options.hostname);
    case 'sequencer': return sequencerStage;
  }
}
