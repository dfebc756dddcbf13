/**
 * Pure logic of the demo pipeline: the records a source produces, how a parser reads them and how a
 * counter folds them. No runtime imports; the actors in pipeline.ts wrap these.
 */

export interface Reading {
  readonly key: string;
  readonly value: number;
}

const KEYS = ['eth0', 'eth1', 'lo'];

/** The n-th raw record (1-based). Record 7 is malformed on purpose: it shows a poison message. */
export function rawRecord(n: number): string {
  if (n === 7) return 'garbage without an equals sign';
  return `${KEYS[n % KEYS.length]}=${n * 10}`;
}

export class MalformedRecordError extends Error {
  readonly code = 'DEMO_ERR_MALFORMED_RECORD';

  constructor(readonly record: string) {
    super(`malformed record ${JSON.stringify(record)}: expected key=number`);
    this.name = 'MalformedRecordError';
  }
}

/** Parses `key=number`; throws MalformedRecordError otherwise (the parser actor crashes). */
export function parseRecord(record: string): Reading {
  const match = /^([a-z0-9]+)=(\d+)$/.exec(record);
  if (match === null) throw new MalformedRecordError(record);
  return { key: match[1]!, value: Number(match[2]) };
}

/** Running totals per key. */
export function addReading(totals: Readonly<Record<string, number>>, reading: Reading): Record<string, number> {
  return { ...totals, [reading.key]: (totals[reading.key] ?? 0) + reading.value };
}
