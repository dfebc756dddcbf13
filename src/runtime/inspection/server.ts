/**
 * The inspection endpoint (`troupe run --inspect ADDR`, default 127.0.0.1:9099): the actor tree,
 * one actor with its snapshot and recent events, a live event stream (server-sent events), dead
 * letters, Prometheus metrics, health and readiness, and a page that draws it all.
 *
 * Security: it binds to loopback unless given a bearer token; with a token, every path but /healthz
 * needs `Authorization: Bearer <token>`. Snapshots never show values of secret-looking keys.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { threadId } from 'node:worker_threads';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { TroupeError } from '../errors.js';
import type { RuntimeEventType } from '../events.js';
import type { ActorSystem } from '../system.js';
import { RateSampler, actorNode, summarize } from './actor-view.js';
import { EventLog, parseEventTypes } from './event-log.js';
import { runtimeRegistry } from './metrics.js';
import { INSPECTION_PAGE } from './page.js';

export class InspectionError extends TroupeError {}

export interface InspectionOptions {
  readonly system: ActorSystem;
  /** `host:port`; port 0 picks a free port. */
  readonly address: string;
  readonly token?: string;
  /** Ready = InSync and the dataplane connection up (`/readyz`). */
  readonly ready?: () => boolean;
  /** Who sends to whom, for the page's graph. */
  readonly edges?: () => readonly { readonly from: string; readonly to: string }[];
  /** Adds pipeline metrics to the registry. */
  readonly metrics?: (registry: Registry) => void;
}

export function parseAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) throw new InspectionError('INSPECT_ERR_ADDRESS', `--inspect ${JSON.stringify(text)}: expected HOST:PORT (for example 127.0.0.1:9099)`);
  return { host: match[1] ?? match[2]!, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

const SAMPLE_EVERY_MS = 1_000;

export class InspectionServer {
  readonly #options: InspectionOptions;
  readonly #server: Server;
  readonly #events: EventLog;
  readonly #rates: RateSampler;
  readonly #registry: Registry;
  /** Open event streams and how to stop feeding each. */
  readonly #streams = new Map<ServerResponse, () => void>();
  #lastSampleAt = Number.NEGATIVE_INFINITY;
  url = '';

  private constructor(options: InspectionOptions) {
    this.#options = options;
    this.#events = new EventLog(options.system.events);
    this.#rates = new RateSampler(options.system.clock);
    this.#registry = runtimeRegistry(() => options.system.actors());
    options.metrics?.(this.#registry);
    this.#server = createServer((request, response) => { void this.#handle(request, response); });
  }

  /** Refuses a non-loopback address without a token, before binding anything. */
  static async start(options: InspectionOptions): Promise<InspectionServer> {
    const { host, port } = parseAddress(options.address);
    if (!isLoopback(host) && (options.token === undefined || options.token === '')) {
      throw new InspectionError('INSPECT_ERR_TOKEN_REQUIRED', `refusing to serve the inspection endpoint on ${options.address} without a token: it is not a loopback address, and the endpoint shows the whole actor tree. Give --inspect-token-file FILE, or bind to 127.0.0.1`);
    }
    const server = new InspectionServer(options);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', (error) => reject(new InspectionError('INSPECT_ERR_LISTEN', `cannot listen on ${options.address}: ${error.message}`)));
      server.#server.listen(port, host, resolve);
    });
    const bound = server.#server.address() as AddressInfo;
    server.url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
    return server;
  }

  async close(): Promise<void> {
    for (const [stream, stop] of this.#streams) {
      stop();
      stream.end();
    }
    this.#streams.clear();
    this.#events.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #authorized(request: IncomingMessage): boolean {
    const token = this.#options.token;
    if (token === undefined || token === '') return true;
    const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://inspect');
    const path = url.pathname;
    if (request.method !== 'GET') return send(response, 405, { error: 'only GET' });
    if (path !== '/healthz' && !this.#authorized(request)) {
      response.setHeader('www-authenticate', 'Bearer');
      return send(response, 401, { error: 'a bearer token is required (Authorization: Bearer <token>)' });
    }
    try {
      if (path === '/') return sendText(response, 200, 'text/html; charset=utf-8', INSPECTION_PAGE);
      if (path === '/actors') return this.#treeAfter(response, url);
      if (path.startsWith('/actors/')) return await this.#actor(response, decodeURIComponent(path.slice('/actors'.length)));
      if (path === '/events') return this.#follow(response, url);
      if (path === '/dead-letters') return send(response, 200, { total: this.#options.system.deadLetters.total, deadLetters: this.#options.system.deadLetters.list().map((letter) => summarize(letter)) });
      if (path === '/metrics') {
        await this.#options.system.actorsEverywhere(); // the figures of actors on worker threads, fresh
        return sendText(response, 200, this.#registry.contentType, await this.#registry.metrics());
      }
      if (path === '/healthz') return this.#health(response);
      if (path === '/readyz') return (this.#options.ready?.() ?? false) ? send(response, 200, { ready: true }) : send(response, 503, { ready: false });
      return send(response, 404, { error: `no route ${path}` });
    } catch (error) {
      return send(response, error instanceof RangeError ? 400 : 500, { error: (error as Error).message });
    }
  }

  /** Every actor on every thread (a worker's are fetched from it), with each worker's thread id. */
  async #tree(): Promise<unknown> {
    const { system } = this.#options;
    const actors = await system.actorsEverywhere();
    if (system.clock.now() - this.#lastSampleAt >= SAMPLE_EVERY_MS) {
      this.#rates.sample(actors);
      this.#lastSampleAt = system.clock.now();
    }
    const threads = Object.fromEntries([['main', threadId], ...system.workerThreads()]);
    return { actors: actors.map((actor) => actorNode(actor, this.#rates.rate(actor.path))), edges: this.#options.edges?.() ?? [], threads };
  }

  /** `?waitMs=N` answers after N ms on the system's clock (at most 10 s): the page long-polls with it. */
  #treeAfter(response: ServerResponse, url: URL): void {
    const wait = Math.min(10_000, Math.max(0, Number(url.searchParams.get('waitMs') ?? '0') || 0));
    const answer = () => { void this.#tree().then((tree) => { if (!response.writableEnded) send(response, 200, tree); }, (error: Error) => send(response, 500, { error: error.message })); };
    if (wait === 0) return answer();
    const timer = this.#options.system.clock.setTimeout(answer, wait);
    response.once('close', () => this.#options.system.clock.clearTimeout(timer));
  }

  async #actor(response: ServerResponse, path: string): Promise<void> {
    const { system } = this.#options;
    if (!system.has(path)) return send(response, 404, { error: `no actor at ${path}` });
    await system.actorsEverywhere();
    send(response, 200, {
      actor: actorNode(system.stats(path), this.#rates.rate(path)),
      snapshot: summarize(await system.snapshotEverywhere(path)),
      events: this.#events.recent(path),
    });
  }

  #follow(response: ServerResponse, url: URL): void {
    const types: RuntimeEventType[] | undefined = parseEventTypes(url.searchParams.get('types'));
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    response.write(': troupe events\n\n');
    const stop = this.#events.follow({ prefix: url.searchParams.get('prefix') ?? '/', ...(types === undefined ? {} : { types }) }, (event) => {
      if (!response.writableEnded) response.write(`event: ${event.type}\ndata: ${JSON.stringify(summarize(event))}\n\n`);
    });
    this.#streams.set(response, stop);
    response.once('close', () => { stop(); this.#streams.delete(response); });
  }

  #health(response: ServerResponse): void {
    const root = this.#options.system.stats('/');
    send(response, root.status === 'running' ? 200 : 503, { live: root.status === 'running', root: root.status });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  sendText(response, status, 'application/json', `${JSON.stringify(body)}\n`);
}

function sendText(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
