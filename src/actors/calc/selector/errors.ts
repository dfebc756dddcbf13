/** A selector that does not parse: where (0-based character offset) and why. */
export class SelectorParseError extends Error {
  readonly code = 'SELECTOR_ERR_PARSE';

  constructor(readonly selector: string, readonly position: number, readonly reason: string) {
    super(`invalid selector ${JSON.stringify(selector)} at position ${position}: ${reason}`);
    this.name = 'SelectorParseError';
  }
}
