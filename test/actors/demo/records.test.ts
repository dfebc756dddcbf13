import { describe, expect, it } from 'vitest';
import { MalformedRecordError, addReading, parseRecord, rawRecord } from '../../../src/actors/demo/records.js';

describe('demo records', () => {
  it('parses key=number and rejects anything else with a message naming the record', () => {
    expect(parseRecord(rawRecord(1))).toEqual({ key: 'eth1', value: 10 });
    expect(() => parseRecord(rawRecord(7))).toThrow(MalformedRecordError);
    expect(() => parseRecord('eth0=')).toThrow('malformed record "eth0=": expected key=number');
  });

  it('folds readings into totals per key without mutating the input', () => {
    const before = { eth0: 5 };
    expect(addReading(before, { key: 'eth0', value: 2 })).toEqual({ eth0: 7 });
    expect(addReading(before, { key: 'lo', value: 1 })).toEqual({ eth0: 5, lo: 1 });
    expect(before).toEqual({ eth0: 5 });
  });
});
