/** Where each calc actor lives (member shards: member-shards.ts). */
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
