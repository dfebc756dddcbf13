/**
 * The troupe runtime's public surface: actors (xstate logic + bounded mailbox, addressed by path),
 * supervision with OTP semantics, an injected clock, deterministic simulation and a typed event stream.
 */
export { ActorSystem } from './system.js';
export type { SpawnOptions, SupervisorSpawnOptions, SystemOptions, SystemFailure } from './system.js';
export { ActorRef } from './actor-ref.js';
export type { MessageOf, Reply, SendResult } from './actor-ref.js';
export { RealClock, SimulatedClock, realClock } from './clock.js';
export type { Clock, TimerId } from './clock.js';
export {
  TroupeError, MailboxFullError, AskTimeoutError, ActorNotFoundError, InvalidPathError, DuplicatePathError,
  ActorStoppedError, InjectedFaultError, RestartIntensityError, summarizeError,
} from './errors.js';
export type { ErrorSummary } from './errors.js';
export { EventBus, RUNTIME_EVENT_TYPES, channelName } from './events.js';
export type { RuntimeEvent, RuntimeEventType, RuntimeEventOf, ActorKind, StopReason, DeadLetterReason } from './events.js';
export type { MailboxOptions, MailboxStats, OverflowPolicy } from './mailbox.js';
export { sendTo, sendFrom, reply, emitSend, SEND_COMMAND } from './message.js';
export type { Message, Envelope, SendCommand } from './message.js';
export { createRandom } from './random.js';
export type { Random } from './random.js';
export { RealTimeScheduler, SimulatedScheduler } from './scheduler.js';
export type { Scheduler } from './scheduler.js';
export { Simulation, formatEvent } from './simulation.js';
export type { SimulationOptions, RunOptions } from './simulation.js';
export { DEFAULT_SUPERVISOR_OPTIONS } from './supervision/restart-policy.js';
export type { Strategy, ChildKind, SupervisorOptions, Intensity, Backoff } from './supervision/restart-policy.js';
export type { ActorStats } from './stats.js';
export { unaccounted } from './stats.js';
export type { DeadLetter } from './dead-letters.js';
export { StateStore, PersistenceError, CorruptStateError, DURABILITY_MODES } from './persistence/state-store.js';
export type { Durability, StoreBackend, StoreStats } from './persistence/state-store.js';
export { MemoryBackend } from './persistence/memory-backend.js';
export { openStateStore, STATE_SCHEMA_VERSION } from './persistence/lmdb-store.js';
export type { DurableOptions, ActorStateView } from './persistence/durable.js';
