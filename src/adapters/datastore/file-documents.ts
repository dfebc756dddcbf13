/**
 * One file of a file datastore → model records: YAML (multi-document, `kind: List` too) or JSON with
 * Kubernetes and Calico objects, or model KV records (a JSON array or JSON lines of `{type,key,value}`).
 * A bad document is reported with its file, line, document index, kind, name and reason and left
 * out; the rest of the file still loads.
 */
import jsYaml from 'js-yaml';
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

interface YamlDocument { readonly text: string; /** 1-based line of the document's first line. */ readonly firstLine: number }

/**
 * Splits a multi-document stream at its `---` markers (a marker line may carry content after it, as
 * in `--- {a: 1}`), keeping each document's starting line for messages. Block scalars are indented,
 * so a `---` at column 0 is always a marker.
 */
export function splitYamlDocuments(text: string): YamlDocument[] {
  const documents: YamlDocument[] = [];
  let current: string[] = [];
  let firstLine = 1;
  const flush = () => {
    if (current.some(isContent)) documents.push({ text: current.join('\n'), firstLine });
  };
  text.split('\n').forEach((line, index) => {
    const marker = /^---(?:\s+(.*?))?\s*$/.exec(line);
    if (marker === null && !/^\.\.\.\s*$/.test(line)) {
      current.push(line);
      return;
    }
    flush();
    const inline = marker?.[1];
    current = inline === undefined || inline === '' ? [] : [inline];
    firstLine = current.length > 0 ? index + 1 : index + 2;
  });
  flush();
  return documents;
}

const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');

/** The line of a document's first content (after blank and comment lines): where the object starts. */
function contentLine(document: YamlDocument): number {
  const offset = document.text.split('\n').findIndex(isContent);
  return document.firstLine + Math.max(0, offset);
}

function yamlContents(file: string, text: string, out: FileContents): void {
  splitYamlDocuments(text).forEach((document, index) => {
    let value: unknown;
    try {
      // The core schema: YAML 1.2 scalars (no timestamps to Date, no `yes` to true), as Kubernetes reads them.
      value = jsYaml.load(document.text, { schema: jsYaml.CORE_SCHEMA, filename: file });
    } catch (error) {
      const yamlError = error as { mark?: { line: number }; reason?: string; message: string };
      const line = document.firstLine + (yamlError.mark?.line ?? 0);
      out.problems.push({ file, document: index, line, reason: `not valid YAML: ${yamlError.reason ?? yamlError.message.split('\n')[0]!}` });
      return;
    }
    if (value === null || value === undefined) return;
    if (isModelRecord(value)) out.records.push(value as ModelRecord);
    else addObject(value, file, index, contentLine(document), out);
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
