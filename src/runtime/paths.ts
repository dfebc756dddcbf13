/**
 * Actor paths: `/`, `/calc`, `/calc/member-calc`. A path's parent is its supervisor. Segments are
 * letters, digits, `.`, `_` and `-`; `/_…` top-level names are reserved for the runtime (ask replies).
 */
import { InvalidPathError } from './errors.js';

export const ROOT_PATH = '/';
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function validatePath(path: string): void {
  if (path === ROOT_PATH) return;
  if (!path.startsWith('/')) throw new InvalidPathError(path, 'must start with "/"');
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) throw new InvalidPathError(path, `segment ${JSON.stringify(segment)} must match ${SEGMENT.source}`);
  }
}

export function parentOf(path: string): string | undefined {
  if (path === ROOT_PATH) return undefined;
  const cut = path.lastIndexOf('/');
  return cut === 0 ? ROOT_PATH : path.slice(0, cut);
}
