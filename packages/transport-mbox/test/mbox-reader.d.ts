// mbox-reader ships no types; the part the tests use.
declare module 'mbox-reader' {
  import type { Readable } from 'node:stream';
  export interface MboxEntry {
    returnPath: string;
    time: Date | false;
    content: Buffer;
    headers: Map<string, string[]>;
  }
  export function mboxReader(source: Readable, options?: { gz?: boolean }): AsyncGenerator<MboxEntry>;
}
