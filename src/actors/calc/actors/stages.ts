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
import type { Outbox, Stage, StageDefinition } from './stage-actor.js';

export const CALC_PATHS = {
  supervisor: '/calc',
  source: '/calc/source',
  epochs: '/calc/epochs',
  arc: '/calc/active-rules',
  scanner: '/calc/rule-scanner',
  members: '/calc/member-calc',
  resolver: '/calc/policy-resolver',
  config: '/calc/config-batcher',
  sequencer: '/calc/sequencer',
  dataplane: '/calc/dataplane',
} as const;

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

export const scannerStage: StageDefinition = {
  inputs: [P.arc],
  outputs: [P.members, P.sequencer],
  create(out: Outbox): Stage {
    const scanner = new RuleScanner({ ipSets: (event) => out.push(P.members, event), sequencer: (event) => out.push(P.sequencer, event) });
    return {
      onData: (_from, items) => { for (const event of items as readonly RulesEvent[]) scanner.onRulesEvent(event); },
      onMarker: () => undefined,
      report: (figures) => { figures.activeSelectors = scanner.activeIpSetCount; },
    };
  },
};

export function membersStage(options: { suppressOverlaps: boolean }): StageDefinition {
  return {
    inputs: [P.source, P.scanner],
    outputs: [P.sequencer],
    create(out: Outbox): Stage {
      const index = new IpSetMemberIndex((event) => out.push(P.sequencer, event), options);
      return {
        onData: (from, items) => {
          if (from === P.source) for (const update of items as readonly ModelUpdate[]) index.onUpdate(update);
          else for (const event of items as readonly IpSetLifecycle[]) index.onIpSetEvent(event);
        },
        onMarker: () => undefined,
        report: (figures) => { figures.setSelectorEvaluations('ip-sets', index.calculator.selectorEvaluations); },
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

export type StageName = 'arc' | 'scanner' | 'members' | 'resolver' | 'config' | 'sequencer';

/** What a stage's definition depends on: plain data, so a calculator can be created on any thread. */
export interface StageOptions {
  readonly hostname: string;
  readonly suppressOverlaps: boolean;
}

export function stageDefinition(name: StageName, options: StageOptions): StageDefinition {
  switch (name) {
    case 'arc': return arcStage;
    case 'scanner': return scannerStage;
    case 'members': return membersStage({ suppressOverlaps: options.suppressOverlaps });
    case 'resolver': return resolverStage;
    case 'config': return configStage(options.hostname);
    case 'sequencer': return sequencerStage;
  }
}
