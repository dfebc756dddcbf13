/**
 * The calculation graph wired by direct calls: one thread, no mailboxes. It is the reference the
 * actor wiring must equal, and the speed limit that wiring is measured against.
 *
 *   records ─▶ validate ─▶ route (dispatcher, local-endpoint filter by hostname)
 *                             │
 *      ┌──────────────┬───────┴────────┬──────────────────┐
 *      ▼              ▼                ▼                  ▼
 *     ARC ──match──▶ PolicyResolver   IpSetMemberIndex   ConfigBatcher
 *      │ rules          │ endpoints     ▲      │ sets,     │ config
 *      ▼                │               │      │ members   │
 *   RuleScanner ─ipset lifecycle────────┘      │           │
 *      │ policies, profiles                    │           │
 *      ▼                                       ▼           ▼
 *   EventSequencer ◀────────────────────────────────────────┘
 *      │ (on flush: config, new sets, deltas, policies, profiles, endpoints, removals, InSync)
 *      ▼
 *   DataplaneConnection ─▶ sink (view, frames, JSON lines)
 *
 * Sync status: InSync reaches the resolver, batcher and sequencer, then forces a flush, so InSync is
 * announced only after everything before it has been applied.
 */
import { ActiveRulesCalculator } from './active/active-rules-calculator.js';
import { ConfigBatcher } from './config/config-batcher.js';
import { routeUpdate, validateRecords } from './graph/dispatcher.js';
import type { Emit, SequencerEvent, SyncStatus } from './graph/events.js';
import { IpSetMemberIndex } from './labels/ip-set-member-index.js';
import type { ModelUpdate } from './model/records.js';
import type { InvalidRecord } from './model/validate.js';
import { DataplaneConnection } from './output/dataplane-connection.js';
import type { DataplaneSink } from './output/dataplane-connection.js';
import { PolicyResolver } from './policy/policy-resolver.js';
import { RuleScanner } from './rules/rule-scanner.js';
import { EventSequencer } from './sequencer/event-sequencer.js';

export interface CalcGraphOptions {
  /** This node's name: its endpoints are the local ones. */
  readonly hostname: string;
  readonly sink: DataplaneSink;
  /** Invalid records (reported, then treated as deletions). Default: ignore. */
  readonly onInvalid?: (invalid: InvalidRecord) => void;
  /** Hide CIDRs inside other CIDRs of the same NET set, as Felix does (default true). */
  readonly suppressOverlaps?: boolean;
  /** Config sent ahead of the first message when that is not a ConfigUpdate. */
  readonly startupConfig?: Readonly<Record<string, string>>;
}

export class FusedCalcGraph {
  readonly hostname: string;
  readonly connection: DataplaneConnection;
  readonly #onInvalid: (invalid: InvalidRecord) => void;
  readonly #sequencer: EventSequencer;
  readonly #arc: ActiveRulesCalculator;
  readonly #scanner: RuleScanner;
  readonly #members: IpSetMemberIndex;
  readonly #resolver: PolicyResolver;
  readonly #batcher: ConfigBatcher;
  #status: SyncStatus = 'WaitForDatastore';
  #updates = 0;

  constructor(options: CalcGraphOptions) {
    this.hostname = options.hostname;
    this.#onInvalid = options.onInvalid ?? (() => undefined);
    this.connection = new DataplaneConnection(options.sink, options.startupConfig);
    this.#sequencer = new EventSequencer({
      message: (payload, meta) => this.connection.send(payload, meta),
      datastoreNotReady: () => undefined, // Felix logs and carries on; the dataplane keeps what it has
    });
    const toSequencer: Emit<SequencerEvent> = (event) => this.#sequencer.onEvent(event);
    this.#members = new IpSetMemberIndex(toSequencer, { suppressOverlaps: options.suppressOverlaps ?? true });
    this.#scanner = new RuleScanner({ ipSets: (event) => this.#members.onIpSetEvent(event), sequencer: toSequencer });
    this.#resolver = new PolicyResolver(toSequencer);
    this.#arc = new ActiveRulesCalculator({
      rules: (event) => this.#scanner.onRulesEvent(event),
      matches: (event) => this.#resolver.onMatch(event),
    });
    this.#batcher = new ConfigBatcher(options.hostname, toSequencer);
  }

  get status(): SyncStatus {
    return this.#status;
  }

  /** Figures for logs and the inspection endpoint. */
  stats(): { updates: number; activePolicies: number; activeIpSets: number; messagesSent: number } {
    return { updates: this.#updates, activePolicies: this.#arc.activePolicyCount, activeIpSets: this.#scanner.activeIpSetCount, messagesSent: this.connection.sent };
  }

  /** Raw `{ type, key, value }` records: validated, then applied. */
  onRecords(records: Iterable<unknown>): void {
    this.onUpdates(validateRecords(records, this.#onInvalid));
  }

  onUpdates(updates: Iterable<ModelUpdate>): void {
    for (const update of updates) this.onUpdate(update);
  }

  onUpdate(update: ModelUpdate): void {
    this.#updates += 1;
    for (const stage of routeUpdate(update, this.hostname)) {
      switch (stage) {
        case 'arc': this.#arc.onUpdate(update); break;
        case 'resolver': this.#resolver.onUpdate(update); break;
        case 'members': this.#members.onUpdate(update); break;
        case 'config': this.#batcher.onUpdate(update); break;
      }
    }
  }

  /** The datastore's sync status; InSync (the first time) flushes at once. */
  onStatus(status: SyncStatus): void {
    const first = status === 'InSync' && this.#status !== 'InSync';
    this.#status = status;
    if (status !== 'InSync') return;
    this.#resolver.onInSync();
    this.#batcher.onInSync();
    this.#sequencer.onInSync();
    if (first) this.flush();
  }

  /** Sends what has changed since the last flush, in dependency order. */
  flush(): void {
    this.#resolver.flush();
    this.#batcher.flush();
    this.#sequencer.flush();
  }
}
