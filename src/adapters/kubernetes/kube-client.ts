/**
 * The Kubernetes API as the reflector needs it: a GET that returns JSON (lists, discovery) and a
 * streaming GET that hands over each line (watches), both abortable. `@kubernetes/client-node`
 * supplies what is hard — kubeconfig, in-cluster config, tokens, client certificates, exec
 * plugins — and plain node:http(s) does the requests, so troupe controls timeouts and aborts itself
 * (client-node's own watch has version-specific timeout problems: design/typha-k8s.md §3.3).
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { TroupeError } from '../../runtime/errors.js';

export class KubeApiError extends TroupeError {
  constructor(readonly status: number, message: string) {
    super('KUBE_ERR_API', message);
  }
}

export interface KubeStream {
  /** Settles when the stream ends: cleanly (`undefined`) or with the error that ended it. */
  readonly done: Promise<Error | undefined>;
  /** True once the server has answered with a success status (the watch is open); false if it never did. */
  readonly opened: Promise<boolean>;
  abort(): void;
}

export interface KubeClient {
  readonly server: string;
  getJson(path: string, query?: Record<string, string>): Promise<unknown>;
  stream(path: string, query: Record<string, string>, onLine: (line: string) => void): KubeStream;
}

/** kubeconfig (KUBECONFIG or ~/.kube/config) or, inside a pod, the service account. */
export function loadKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}

export class RestKubeClient implements KubeClient {
  readonly server: string;
  readonly #config: KubeConfig;

  constructor(config: KubeConfig) {
    const cluster = config.getCurrentCluster();
    if (cluster === null) throw new KubeApiError(0, 'no current cluster in the kubeconfig (set KUBECONFIG, or run in a pod)');
    this.server = cluster.server;
    this.#config = config;
  }

  async #open(path: string, query: Record<string, string> = {}, signal?: AbortSignal): Promise<{ response: IncomingMessage; abort: () => void }> {
    const url = new URL(path, this.server);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const options: RequestOptions & { href?: string } = { method: 'GET', headers: { accept: 'application/json' } };
    await this.#config.applyToHTTPSOptions(options);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // Aborted while the credentials were being applied: no request is made at all.
    if (signal?.aborted === true) throw new Error('aborted before the request was sent');
    return new Promise((resolve, reject) => {
      const request = send(url, { ...options, headers: { ...options.headers } }, (response) => resolve({ response, abort: () => request.destroy() }));
      request.setNoDelay(true);
      request.on('socket', (socket) => socket.setKeepAlive(true, 30_000));
      request.once('error', reject);
      request.end();
    });
  }

  async getJson(path: string, query?: Record<string, string>): Promise<unknown> {
    const { response } = await this.#open(path, query);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if ((response.statusCode ?? 0) >= 400) throw new KubeApiError(response.statusCode ?? 0, `GET ${path}: ${response.statusCode} ${statusMessage(text)}`);
    return JSON.parse(text) as unknown;
  }

  stream(path: string, query: Record<string, string>, onLine: (line: string) => void): KubeStream {
    let abort = () => undefined as void;
    const aborted = new AbortController();
    let answered!: (ok: boolean) => void;
    const opened = new Promise<boolean>((resolve) => { answered = resolve; });
    const done = (async (): Promise<Error | undefined> => {
      const connection = await this.#open(path, query, aborted.signal);
      abort = connection.abort;
      if (aborted.signal.aborted) connection.abort();
      const { response } = connection;
      answered((response.statusCode ?? 0) < 400);
      if ((response.statusCode ?? 0) >= 400) {
        const chunks: Buffer[] = [];
        for await (const chunk of response) chunks.push(chunk as Buffer);
        return new KubeApiError(response.statusCode ?? 0, `watch ${path}: ${response.statusCode} ${statusMessage(Buffer.concat(chunks).toString('utf8'))}`);
      }
      let pending = '';
      return new Promise<Error | undefined>((resolve) => {
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          pending += chunk;
          let newline = pending.indexOf('\n');
          while (newline >= 0) {
            const line = pending.slice(0, newline).trim();
            pending = pending.slice(newline + 1);
            if (line !== '') onLine(line);
            newline = pending.indexOf('\n');
          }
        });
        response.once('end', () => resolve(undefined));
        response.once('aborted', () => resolve(new Error('the watch connection was cut')));
        response.once('error', (error) => resolve(error));
        response.once('close', () => resolve(response.complete ? undefined : new Error('the watch connection was cut')));
      });
    })().catch((error: Error) => error);
    void done.then(() => answered(false)); // settles `opened` if the request failed before an answer
    return { done, opened, abort: () => { aborted.abort(); abort(); } };
  }
}

function statusMessage(text: string): string {
  try {
    const status = JSON.parse(text) as { message?: string; reason?: string };
    return status.message ?? status.reason ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
