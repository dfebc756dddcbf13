import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatastoreError, ModelFileSource, parseModelText } from '../../../src/adapters/datastore/model-file.js';

const record = { type: 'NetworkSet', key: { name: 'n' }, value: { nets: ['10.0.0.0/8'] } };

describe('model KV files', () => {
  it('reads a JSON array of records', () => {
    expect(parseModelText(JSON.stringify([record, record], null, 2), 'a.json').records).toEqual([record, record]);
  });

  it('reads JSON lines, skipping blank lines, and reports a bad line with its number while keeping the rest', () => {
    const loaded = parseModelText(`${JSON.stringify(record)}\n\n{oops\n${JSON.stringify(record)}\n`, 'b.jsonl');
    expect(loaded.records).toHaveLength(2);
    expect(loaded.problems).toEqual([expect.stringMatching(/^b\.jsonl:3: not JSON .*; line skipped$/)]);
  });

  it('refuses a broken JSON array, naming the file and the line', () => {
    expect(() => parseModelText('[\n{"type": 1},\n{oops}\n]', 'c.json')).toThrow(/^c\.json: not a JSON array of records \(line 3\)/);
  });

  it('says which file is missing', async () => {
    const error = await new ModelFileSource('/nonexistent/x.json').load().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatastoreError);
    expect((error as DatastoreError).code).toBe('DATASTORE_ERR_READ');
    expect((error as Error).message).toBe('/nonexistent/x.json: cannot read: no such file');
  });

  it('reads a file from disk', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'troupe-')), 'kvs.jsonl');
    writeFileSync(path, `${JSON.stringify(record)}\n`);
    expect((await new ModelFileSource(path).load()).records).toEqual([record]);
  });
});
