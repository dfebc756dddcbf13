import { describe, expect, it } from 'vitest';
import { readFileContents, splitYamlDocuments } from '../../../src/adapters/datastore/file-documents.js';

describe('YAML documents', () => {
  it('splits at --- markers, keeps each first line, and skips empty and comment-only documents', () => {
    expect(splitYamlDocuments('# header\n---\na: 1\n---\n# nothing\n---\nb: 2\n...\n--- {c: 3}\n')).toEqual([
      { text: 'a: 1', firstLine: 3 },
      { text: 'b: 2', firstLine: 7 },
      { text: '{c: 3}\n', firstLine: 9 },
    ]);
    expect(splitYamlDocuments('a: 1\n')).toEqual([{ text: 'a: 1\n', firstLine: 1 }]);
  });

  it('reads YAML 1.2 scalars as Kubernetes does: yes stays a string, dates stay strings', () => {
    const contents = readFileContents('x.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n, labels: {enabled: yes, since: 2024-01-01}}\n');
    expect(contents.records[1]!.value).toEqual({ labelsToApply: { 'pcns.kubernetes.io/metadata.name': 'n', 'pcns.enabled': 'yes', 'pcns.since': '2024-01-01', 'pcns.projectcalico.org/name': 'n' } });
  });

  it('reports a duplicate key with its line, as invalid YAML', () => {
    const contents = readFileContents('x.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n---\nkind: Pod\nkind: Pod\n');
    expect(contents.problems).toEqual([{ file: 'x.yaml', document: 1, line: 6, reason: expect.stringMatching(/^not valid YAML: duplicated mapping key/) }]);
  });
});
