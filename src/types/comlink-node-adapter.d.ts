// comlink ships its Node adapter without a package export for its types; this is its declaration
// (node_modules/comlink/dist/esm/node-adapter.d.ts) under the path we import it by.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  export interface NodeEndpoint {
    postMessage(message: any, transfer?: any[]): void; // eslint-disable-line @typescript-eslint/no-explicit-any -- as comlink declares it
    on(type: string, listener: (value: any) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any -- as comlink declares it
    off(type: string, listener: (value: any) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any -- as comlink declares it
    start?: () => void;
  }
  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}
