/**
 * A fake Kubernetes API server speaking the real list/watch HTTP protocol, on loopback port 0:
 * lists with a resourceVersion, chunked watch streams of newline-delimited `{type, object}` events
 * replayed from a resourceVersion, BOOKMARKs, 410 Gone (in-stream ERROR, or as the HTTP status) for a
 * compacted history, connections cut mid-stream, failing requests, and API discovery for the Calico
 * CRD group. Every request is logged for tests to inspect.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface StoredEvent { readonly rv: number; readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: Record<string, unknown> }
interface OpenWatch { readonly path: string; readonly response: ServerResponse }

export interface LoggedRequest { readonly path: string; readonly query: Record<string, string> }

const CALICO_GROUP_PATH = '/apis/crd.projectcalico.org/v1';

export class FakeApiServer {
  readonly requests: LoggedRequest[] = [];
  /** Resource path → key → object. */
  readonly #objects = new Map<string, Map<string, Record<string, unknown>>>();
  readonly #events = new Map<string, StoredEvent[]>();
  readonly #watches = new Set<OpenWatch>();
  #rv = 100;
  /** Events at or below this resourceVersion are forgotten (etcd compaction). */
  #compactedRv = 0;
  #server: Server | undefined;
  /** Status codes the next requests to a path get instead of an answer. */
  readonly failNext = new Map<string, number[]>();
  /** Answer a too-old watch with HTTP 410 instead of an in-stream ERROR. */
  goneAsHttpStatus = false;
  calicoCrds: readonly string[] = [];

  async start(): Promise<string> {
    this.#server = createServer((request, response) => this.#handle(request, response));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const watch of this.#watches) watch.response.destroy();
    this.#watches.clear();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  /** Creates or replaces an object under a resource path (`/api/v1/pods`). */
  put(path: string, object: Record<string, unknown>): void {
    const metadata = object['metadata'] as { name: string; namespace?: string };
    const key = `${metadata.namespace ?? ''}/${metadata.name}`;
    const objects = this.#objectsOf(path);
    const type = objects.has(key) ? 'MODIFIED' : 'ADDED';
    this.#rv += 1;
    const stored = { ...object, metadata: { ...metadata, resourceVersion: String(this.#rv) } };
    objects.set(key, stored);
    this.#record(path, { rv: this.#rv, type, object: stored });
  }

  remove(path: string, namespace: string, name: string): void {
    const objects = this.#objectsOf(path);
    const object = objects.get(`${namespace}/${name}`);
    if (object === undefined) return;
    objects.delete(`${namespace}/${name}`);
    this.#rv += 1;
    this.#record(path, { rv: this.#rv, type: 'DELETED', object: { ...object, metadata: { ...(object['metadata'] as object), resourceVersion: String(this.#rv) } } });
  }

  /** Forgets the event history: a watch from an older resourceVersion is now Gone. */
  compact(): void {
    this.#compactedRv = this.#rv;
    for (const events of this.#events.values()) events.length = 0;
  }

  bookmark(path: string): void {
    this.#rv += 1;
    for (const watch of this.#watches) if (watch.path === path) this.#send(watch.response, { type: 'BOOKMARK', object: { kind: 'Bookmark', metadata: { resourceVersion: String(this.#rv) } } });
  }

  /** Cuts open watch connections mid-stream (no clean end of the chunked response). */
  cutWatches(path?: string): void {
    for (const watch of [...this.#watches]) {
      if (path !== undefined && watch.path !== path) continue;
      watch.response.socket?.destroy();
      this.#watches.delete(watch);
    }
  }

  openWatches(path?: string): number {
    return [...this.#watches].filter((watch) => path === undefined || watch.path === path).length;
  }

  #objectsOf(path: string): Map<string, Record<string, unknown>> {
    let objects = this.#objects.get(path);
    if (objects === undefined) this.#objects.set(path, (objects = new Map()));
    return objects;
  }

  #record(path: string, event: StoredEvent): void {
    let events = this.#events.get(path);
    if (events === undefined) this.#events.set(path, (events = []));
    events.push(event);
    for (const watch of this.#watches) if (watch.path === path) this.#send(watch.response, { type: event.type, object: event.object });
  }

  #send(response: ServerResponse, event: unknown): void {
    response.write(`${JSON.stringify(event)}\n`);
  }

  #status(response: ServerResponse, code: number, message: string): void {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message, reason: code === 410 ? 'Expired' : 'Error' }));
  }

  readonly #requestWaiters: { test: (request: LoggedRequest) => boolean; resolve: (request: LoggedRequest) => void }[] = [];

  /** Resolves with the first logged request (past or future) that passes `test`. */
  nextRequest(test: (request: LoggedRequest) => boolean, after = 0): Promise<LoggedRequest> {
    const seen = this.requests.slice(after).find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#requestWaiters.push({ test, resolve }));
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    const path = url.pathname;
    const logged = { path, query: Object.fromEntries(url.searchParams) };
    this.requests.push(logged);
    for (const waiter of [...this.#requestWaiters]) {
      if (!waiter.test(logged)) continue;
      this.#requestWaiters.splice(this.#requestWaiters.indexOf(waiter), 1);
      waiter.resolve(logged);
    }
    const failure = this.failNext.get(path)?.shift();
    if (failure !== undefined) return this.#status(response, failure, `injected failure ${failure}`);
    if (path === CALICO_GROUP_PATH) {
      if (this.calicoCrds.length === 0) return this.#status(response, 404, 'the server could not find the requested resource');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ kind: 'APIResourceList', groupVersion: 'crd.projectcalico.org/v1', resources: this.calicoCrds.map((name) => ({ name, namespaced: true })) }));
      return;
    }
    if (url.searchParams.get('watch') === 'true') return this.#watch(path, Number(url.searchParams.get('resourceVersion') ?? '0'), response);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(this.#rv) }, items: [...this.#objectsOf(path).values()] }));
  }

  #watch(path: string, from: number, response: ServerResponse): void {
    if (from < this.#compactedRv && this.goneAsHttpStatus) return this.#status(response, 410, `too old resource version: ${from} (${this.#compactedRv})`);
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    if (from < this.#compactedRv) {
      this.#send(response, { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: `too old resource version: ${from} (${this.#compactedRv})` } });
      response.end();
      return;
    }
    for (const event of this.#events.get(path) ?? []) if (event.rv > from) this.#send(response, { type: event.type, object: event.object });
    const watch = { path, response };
    this.#watches.add(watch);
    response.on('close', () => this.#watches.delete(watch));
  }
}
