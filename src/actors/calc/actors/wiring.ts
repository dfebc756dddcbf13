/**
 * The calculation graph as supervised actors — the same calculators as the fused wiring (fused.ts),
 * each in its own xstate actor under `/calc`, talking in batches:
 *
 *   outside ──records/status/flush──▶ /calc/source ─────────────────────────────┐
 *                                      │  │  │  └──updates──▶ /calc/config-batcher ──┐
 *                        ┌──updates────┘  │  └──updates──▶ /calc/member-calc ────────┤
 *                        ▼                │                    ▲ ipset lifecycle      │
 *               /calc/active-rules ──rules──▶ /calc/rule-scanner ┘──policies,profiles┤
 *                        │ matches        ▼                                          ▼
 *                        └──────────▶ /calc/policy-resolver ──endpoints──▶ /calc/sequencer
 *                                                                                   │ messages
 *                                                                                   ▼
 *                                                                            /calc/dataplane ──▶ sink
 *
 * Markers (InSync, flush) start at the source and cross every fan-in point as aligned barriers
 * (graph/barrier.ts): the member calculator waits for source and rule scanner, the resolver for
 * source and ARC, the sequencer for all four of its inputs. So InSync reaches the dataplane only
 * after everything sent before it. Recovery from a crashed calculator: epochs.ts.
 *
 * Supervision: `/calc` is one-for-one; the calculators recover through epochs rather than by
 * restarting their neighbours. Mailboxes block (backpressure back to the caller of `onRecords`).
 *
 * With `memberShards` > 1 the member calculator is split by endpoint: member-shards.ts has that diagram.
 *
 * Durability (`store`): the source (the records, the datastore's positions) and the dataplane actor
 * (the mirror, the sequence number, the output's position) are durable actors; the calculators'
 * state is derived, recomputed from the source's snapshot after a restart (`resume`).
 */
import type { ActorSystem } from '../../../runtime/system.js';
import type { SyncStatus } from '../graph/events.js';
import type { CalcGraphOptions } from '../fused.js';
import type { DataplaneView } from '../output/dataplane-state.js';
import { dataplaneDurability, dataplaneLogic } from './dataplane-actor.js';
import type { StateStore } from '../../../runtime/persistence/state-store.js';
import { CalcFigures } from './calc-figures.js';
import { CalcEpochs, epochCoordinatorLogic } from './epochs.js';
import { sourceDurability, sourceLogic } from './source-actor.js';
import { stageLogic } from './stage-actor.js';
import type { StageInput } from './stage-actor.js';
import { CALC_PATHS, calcStages } from './stages.js';
import { checkShardCount } from './member-shards.js';

/** The fused graph's options (hostname, sink, invalid records, overlap suppression, startup config), plus: */
export interface ActorCalcOptions extends CalcGraphOptions {
  /** Flush after every batch of records, rate-limited (the agent); otherwise only on `flush()`. */
  readonly autoFlush?: boolean;
  /** Mailbox capacity of each calc actor, in messages (each a batch). Default 256. */
  readonly mailboxCapacity?: number;
  /** Records per message from `onRecords`. Default 1000. */
  readonly batchSize?: number;
  /** How long `flush()` and `view()` wait, on the system's clock. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Where the source and the dataplane actor keep their state (durability); absent: nothing is kept. */
  readonly store?: StateStore;
  /** Split the member calculator by endpoint over this many shards (member-shards.ts). Default 1. */
  readonly memberShards?: number;
}

interface SourcePoint { readonly restored: boolean; readonly status: SyncStatus; readonly version: number; readonly positions: [string, string][] }
interface DataplanePoint { readonly restored: boolean; readonly inSync: boolean; readonly reflects: number; readonly sent: number }

export interface CalcResumePoint {
  readonly positions: ReadonlyMap<string, string>;
  /** The output reflects every record the source stored, in sync: with an unchanged datastore, nothing to do. */
  readonly current: boolean;
  /** Messages the dataplane has had (its next sequence number). */
  readonly sent: number;
  /** The records the source stored, as the datastore sent them (empty after a fresh start). */
  records(): Promise<unknown[]>;
}

export class ActorCalcGraph {
  readonly #system: ActorSystem;
  readonly #batchSize: number;
  readonly #timeoutMs: number;
  readonly epochs: CalcEpochs;
  /** What the calc actors report for the metrics endpoint. */
  readonly figures = new CalcFigures();

  private constructor(system: ActorSystem, options: ActorCalcOptions) {
    this.#system = system;
    this.#batchSize = options.batchSize ?? 1_000;
    this.#timeoutMs = options.timeoutMs ?? 600_000;
    // A restarted calculator opens a new epoch; the source replays into it (from outside any actor,
    // so a full source mailbox cannot deadlock the restarting actor).
    this.epochs = new CalcEpochs((_path, epoch) => { void system.send(CALC_PATHS.source, { type: 'replay', payload: { epoch } }); });
  }

  /** Spawns `/calc` and its actors, downstream first so nothing is sent to an actor not yet there. */
  static spawn(system: ActorSystem, options: ActorCalcOptions): ActorCalcGraph {
    const graph = new ActorCalcGraph(system, options);
    const mailbox = { capacity: options.mailboxCapacity ?? 256, policy: 'block' as const };
    const { epochs, figures } = graph;
    system.spawnSupervisor(CALC_PATHS.supervisor, { strategy: 'one-for-one', intensity: { maxRestarts: 10, withinMs: 60_000 }, backoff: { minMs: 10, maxMs: 1_000, jitter: 0.2 } });
    const store = options.store?.enabled === true ? options.store : undefined;
    system.spawn(CALC_PATHS.dataplane, dataplaneLogic, {
      mailbox,
      input: { sink: options.sink, startupConfig: options.startupConfig ?? {}, epochs },
      ...(store === undefined ? {} : { durable: dataplaneDurability(store) }),
    });
    const memberShards = options.memberShards ?? 1;
    checkShardCount(memberShards);
    const stageOptions = { hostname: options.hostname, suppressOverlaps: options.suppressOverlaps ?? true, memberShards };
    // A message that crashed a calculator is dropped by its new epoch anyway; retrying it is pointless.
    for (const [path, stage] of calcStages(memberShards)) {
      const input: StageInput = { path, stage, options: stageOptions, epochs: epochs.buffer, figures: figures.shared };
      // Batches of plain data: across threads they travel as JSON (runtime/cell-spec.ts WireFormat).
      system.spawn(path, stageLogic, { mailbox, maxMessageCrashes: 1, input, wire: 'json' });
    }
    system.spawn(CALC_PATHS.epochs, epochCoordinatorLogic, { mailbox });
    system.spawn(CALC_PATHS.source, sourceLogic, {
      mailbox,
      input: { figures, hostname: options.hostname, epochs, onInvalid: options.onInvalid ?? (() => undefined), autoFlush: options.autoFlush ?? false, memberShards },
      ...(store === undefined ? {} : { durable: sourceDurability(store) }),
    });
    return graph;
  }

  /** Raw `{ type, key, value }` records, in batches; resolves when the source has taken them all. */
  async onRecords(records: readonly unknown[]): Promise<void> {
    for (let start = 0; start < records.length; start += this.#batchSize) {
      await this.#system.send(CALC_PATHS.source, { type: 'records', payload: records.slice(start, start + this.#batchSize) });
    }
  }

  /**
   * Where a restarted graph stands (call it first, before records): the datastore positions the source
   * stored, whether the dataplane's output already reflects everything the source stored (then, if the
   * datastore did not change, nothing needs computing), and the stored records, loaded on demand. The
   * restored source starts replaying its snapshot into the (new, empty) calculators at the datastore's
   * first word (records, InSync) or a flush — not before, so the datastore's own checks are not slowed.
   */
  async resumePoint(): Promise<CalcResumePoint> {
    const source = (await this.#system.ask(CALC_PATHS.source, { type: 'resume-point' }, this.#timeoutMs)).payload as SourcePoint;
    const dataplane = (await this.#system.ask(CALC_PATHS.dataplane, { type: 'resume-point' }, this.#timeoutMs)).payload as DataplanePoint;
    const current = source.restored && dataplane.restored && source.status === 'InSync' && dataplane.inSync && dataplane.reflects === source.version;
    return {
      positions: new Map(source.positions),
      current,
      sent: dataplane.sent,
      records: async () => (await this.#system.ask(CALC_PATHS.source, { type: 'resume-records' }, this.#timeoutMs)).payload as unknown[],
    };
  }

  /** Datastore positions (a file's stamp, a resource's resourceVersion), stored with the records they follow. */
  async onPositions(positions: readonly (readonly [source: string, position: string])[]): Promise<void> {
    for (let start = 0; start < positions.length; start += this.#batchSize) {
      await this.#system.send(CALC_PATHS.source, { type: 'positions', payload: positions.slice(start, start + this.#batchSize) });
    }
  }

  async onStatus(status: SyncStatus): Promise<void> {
    await this.#system.send(CALC_PATHS.source, { type: 'status', payload: status });
  }

  /** Resolves once a flush has passed the whole graph and reached the dataplane connection. */
  async flush(): Promise<{ readonly sent: number; readonly inSync: boolean }> {
    const answer = await this.#system.ask(CALC_PATHS.source, { type: 'flush' }, this.#timeoutMs);
    return answer.payload as { sent: number; inSync: boolean };
  }

  /** The dataplane view as the dataplane connection has sent it. */
  async view(): Promise<DataplaneView> {
    const answer = await this.#system.ask(CALC_PATHS.dataplane, { type: 'view' }, this.#timeoutMs);
    return answer.payload as DataplaneView;
  }
}
