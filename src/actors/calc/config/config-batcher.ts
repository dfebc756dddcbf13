/**
 * Felix's ConfigBatcher (config_batcher.go), for the config records the model carries: global config,
 * this host's config (which wins over global), and the datastore ready flag. Nothing is sent before
 * InSync; from then on the whole merged config is sent again after any change, at the next flush.
 * A ready flag set to anything but true (or deleted) tells the dataplane the datastore is not ready.
 */
import type { Emit, SequencerEvent } from '../graph/events.js';
import type { ModelUpdate } from '../model/records.js';

export class ConfigBatcher {
  readonly #emit: Emit<SequencerEvent>;
  readonly #hostname: string;
  readonly #global = new Map<string, string>();
  readonly #host = new Map<string, string>();
  #changed = false;
  #notReady = false;
  #inSync = false;

  constructor(hostname: string, emit: Emit<SequencerEvent>) {
    this.#hostname = hostname;
    this.#emit = emit;
  }

  /** Takes GlobalConfig, HostConfig (any host; others' are ignored) and ReadyFlag updates. */
  onUpdate(update: ModelUpdate): void {
    switch (update.type) {
      case 'GlobalConfig':
        this.#changed = setOrDelete(this.#global, update.key.name, update.value) || this.#changed;
        return;
      case 'HostConfig':
        if (update.key.hostname !== this.#hostname) return;
        this.#changed = setOrDelete(this.#host, update.key.name, update.value) || this.#changed;
        return;
      case 'ReadyFlag':
        if (update.value !== true) this.#notReady = true;
        return;
      default:
        return;
    }
  }

  onInSync(): void {
    if (!this.#inSync) this.#changed = true; // the first InSync always sends the config
    this.#inSync = true;
  }

  /** The merged config: global, then this host's on top. */
  config(): Record<string, string> {
    return Object.fromEntries([...this.#global, ...this.#host]);
  }

  flush(): void {
    if (!this.#inSync) return;
    if (this.#notReady) {
      this.#notReady = false;
      this.#emit({ kind: 'datastore-not-ready' });
    }
    if (this.#changed) {
      this.#changed = false;
      this.#emit({ kind: 'config', config: this.config() });
    }
  }
}

function setOrDelete(map: Map<string, string>, name: string, value: string | null): boolean {
  if (value === null) return map.delete(name);
  if (map.get(name) === value) return false;
  map.set(name, value);
  return true;
}
