import { randomFillSync } from 'node:crypto';
import { hostname } from 'node:os';

/** Deliveries made by this process, for the `Q` part of each name. */
let sequence = 0;

/** Random bytes drawn 4 KiB at a time: one call to the generator per 512 names. */
const randomPool = Buffer.alloc(4096);
let randomAt = randomPool.length;

/** 64 random bits as 16 hex digits. */
function randomHex(): string {
  if (randomAt + 8 > randomPool.length) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  randomAt += 8;
  return randomPool.toString('hex', randomAt - 8, randomAt);
}

/**
 * The host part of a name: `/` and `:` (and the configured separator) are
 * written as octal escapes, as the maildir convention asks, so a name never
 * contains a path separator or the start of an info part.
 */
export function escapeHost(host: string, separator: string): string {
  const special = new Set(['/', ':', '\\', separator]);
  let escaped = '';
  for (const character of host) {
    escaped += special.has(character) ? `\\${character.charCodeAt(0).toString(8).padStart(3, '0')}` : character;
  }
  return escaped || 'localhost';
}

/**
 * A maker of unique maildir file names in the modern form of the convention:
 * `<seconds>.M<microseconds>P<pid>Q<sequence>R<random>.<host>`. Time,
 * process, per-process sequence and 64 random bits make a collision between
 * any two deliveries, on any host sharing the directory, practically impossible.
 */
export function createNameMaker(separator: string): () => string {
  const host = escapeHost(hostname(), separator);
  const pid = process.pid;
  return () => {
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const seconds = Math.floor(micros / 1_000_000);
    sequence += 1;
    return `${seconds}.M${micros % 1_000_000}P${pid}Q${sequence}R${randomHex()}.${host}`;
  };
}
