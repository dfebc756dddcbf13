/**
 * One file of a file datastore → model records: YAML (multi-document, `kind: List` too) or JSON with
 * Kubernetes and Calico objects, or model KV records (a JSON array or JSON lines of `{type,key,value}`).
 * A bad document is reported with its file, line, document index, kind, name and reason and left
 * out; the rest of the file still loads.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import { ConversionError } from './convert/resource.js';
import type { ModelRecord } from './convert/resource.js';
import { convertObject } from './convert/convert.js';
import { DatastoreError, parseModelText } from './model-file.js';

export interface FileProblem {
  readonly file: string;
  readonly line?: number;
  readonly document?: number;
  readonly kind?: string;
  readonly name?: string;
  readonly reason: string;
}

export interface FileContents {
  readonly records: ModelRecord[];
  readonly problems: FileProblem[];
  /** Objects of kinds troupe does not read. */
  readonly ignored: number;
}

export function describeProblem(problem: FileProblem): string {
  const where = `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}`;
  const document = problem.document === undefined ? '' : ` document ${problem.document}`;
  const object = problem.kind === undefined ? '' : ` ${problem.kind} ${problem.name ?? ''}`.trimEnd();
  return `${where}:${document}${object}: ${problem.reason} (left out)`;
}

const isModelRecord = (value: unknown): boolean => typeof value === 'object' && value !== null && 'type' in value && 'key' in value && !('apiVersion' in value);

function addObject(raw: unknown, file: string, document: number, line: number | undefined, out: FileContents): void {
  const object = raw as { kind?: unknown; items?: unknown; metadata?: { name?: unknown } };
  if (object?.kind === 'List' || (typeof object?.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items))) {
    for (const item of (object.items as unknown[]) ?? []) addObject(item, file, document, line, out);
    return;
  }
  try {
    const converted = convertObject(raw);
    out.records.push(...converted.records);
    if (converted.ignored !== undefined) (out as { ignored: number }).ignored += 1;
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    out.problems.push({ file, document, ...(line === undefined ? {} : { line }), kind: error.resourceKind, name: error.resourceName, reason: error.reason });
  }
}

function yamlContents(file: string, text: string, out: FileContents): void {
  const lineCounter = new LineCounter();
  parseAllDocuments(text, { lineCounter }).forEach((document, index) => {
    // The line where the object starts (after any `---`), which is what an editor should jump to.
    const line = lineCounter.linePos(document.contents?.range[0] ?? document.range[0]).line;
    if (document.errors.length > 0) {
      const error = document.errors[0]!;
      out.problems.push({ file, document: index, line: error.linePos?.[0].line ?? line, reason: `not valid YAML: ${error.message.split('\n')[0]!}` });
      return;
    }
    const value = document.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) return;
    if (isModelRecord(value)) out.records.push(value as ModelRecord);
    else addObject(value, file, index, line, out);
  });
}

export function readFileContents(file: string, text: string): FileContents {
  const out: FileContents = { records: [], problems: [], ignored: 0 };
  if (/\.jsonl$/i.test(file)) {
    try {
      const loaded = parseModelText(text, file);
      out.records.push(...(loaded.records as ModelRecord[]));
      out.problems.push(...loaded.problems.map((reason) => ({ file, reason })));
    } catch (error) {
      if (!(error instanceof DatastoreError)) throw error;
      out.problems.push({ file, reason: error.message });
    }
    return out;
  }
  if (/\.json$/i.test(file)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      out.problems.push({ file, reason: `not valid JSON: ${(error as Error).message}` });
      return out;
    }
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, index) => {
      if (isModelRecord(item)) out.records.push(item as ModelRecord);
      else addObject(item, file, index, undefined, out);
    });
    return out;
  }
  yamlContents(file, text, out);
  return out;
}
