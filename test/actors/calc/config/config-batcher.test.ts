import { describe, expect, it } from 'vitest';
import { ConfigBatcher } from '../../../../src/actors/calc/config/config-batcher.js';
import type { SequencerEvent } from '../../../../src/actors/calc/graph/events.js';
import type { ModelUpdate } from '../../../../src/actors/calc/model/records.js';

function newBatcher() {
  const events: SequencerEvent[] = [];
  return { batcher: new ConfigBatcher('h1', (event) => events.push(event)), events };
}
const global = (name: string, value: string | null): ModelUpdate => ({ type: 'GlobalConfig', key: { name }, value });
const host = (hostname: string, name: string, value: string | null): ModelUpdate => ({ type: 'HostConfig', key: { hostname, name }, value });

describe('ConfigBatcher', () => {
  it('sends nothing before InSync, then the merged config once, with this host winning over global', () => {
    const { batcher, events } = newBatcher();
    batcher.onUpdate(global('LogSeverityScreen', 'Info'));
    batcher.onUpdate(global('MTU', '1440'));
    batcher.onUpdate(host('h1', 'MTU', '9000'));
    batcher.onUpdate(host('h2', 'MTU', '1'));
    batcher.flush();
    expect(events).toEqual([]);
    batcher.onInSync();
    batcher.flush();
    batcher.flush();
    expect(events).toEqual([{ kind: 'config', config: { LogSeverityScreen: 'Info', MTU: '9000' } }]);
  });

  it('sends the whole config again after a change, and not after a no-op update', () => {
    const { batcher, events } = newBatcher();
    batcher.onUpdate(global('MTU', '1440'));
    batcher.onInSync();
    batcher.flush();
    batcher.onUpdate(global('MTU', '1440'));
    batcher.flush();
    batcher.onUpdate(global('MTU', null));
    batcher.flush();
    expect(events).toEqual([{ kind: 'config', config: { MTU: '1440' } }, { kind: 'config', config: {} }]);
  });

  it('reports a datastore that is not ready', () => {
    const { batcher, events } = newBatcher();
    batcher.onInSync();
    batcher.flush();
    batcher.onUpdate({ type: 'ReadyFlag', key: {}, value: false });
    batcher.flush();
    expect(events.at(-1)).toEqual({ kind: 'datastore-not-ready' });
  });
});
