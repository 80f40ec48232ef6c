import { postgresAvailable, startPostgres, type TestPostgres } from '@mailroom/test-support';
import fc from 'fast-check';
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsv } from '../../src/store/csv-members.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import type { MemberInput } from '../../src/store/member.js';
import { createPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshDatabase } from './store-fixtures.js';

const RED = 'red@lists.example.org';

/** A statement a pooled client was given: its text, and the COPY stream itself when it was one. */
interface Seen {
  text: string;
  stream?: { rowCount: number; _final(callback: (error?: Error | null) => void): void };
}

/**
 * Wraps `query` on every client the store's pool hands out, recording each statement before
 * node-postgres sends it: what proves which statements an import really runs. `onCopy` may
 * change a COPY stream before it is sent.
 */
function watchStatements(store: PostgresStore, onCopy: (seen: Seen) => void = () => {}): Seen[] {
  const seen: Seen[] = [];
  const wrapped = new WeakSet<PoolClient>();
  store.pool.on('acquire', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    Object.assign(client, {
      query: (first: unknown, ...rest: unknown[]) => {
        const text = typeof first === 'string' ? first : String((first as { text?: unknown }).text ?? '');
        const entry: Seen = { text, ...(text.startsWith('COPY') && { stream: first as Seen['stream'] }) };
        seen.push(entry);
        if (entry.stream) onCopy(entry);
        return original(first, ...rest);
      },
    });
  });
  return seen;
}

const members = (count: number, from = 0): MemberInput[] =>
  Array.from({ length: count }, (_, index) => ({ address: `m${from + index}@example.com`, name: `Member ${from + index}` }));

describe.runIf(postgresAvailable())('PostgreSQL member import through COPY', () => {
  it('runs one COPY into the staging table per batch of 5,000, then INSERT ... SELECT from it; no multi-row insert', async () => {
    const store = await createPostgresStore(await freshDatabase());
    try {
      await store.createList({ address: RED });
      const seen = watchStatements(store);
      expect(await store.addMembers(RED, [...members(12_000), { address: 'M7@EXAMPLE.COM' }])).toEqual({ added: 12_000, existing: 1 });
      const copies = seen.filter((entry) => entry.stream);
      expect(copies.map((entry) => entry.text)).toEqual(
        Array(3).fill('COPY member_staging (n, address_key, address, name, fields) FROM STDIN'),
      );
      expect(copies.map((entry) => entry.stream?.rowCount)).toEqual([5000, 5000, 2001]);
      const inserts = seen.filter((entry) => /INSERT INTO members/.test(entry.text));
      expect(inserts).toHaveLength(3);
      for (const insert of inserts) expect(insert.text).toMatch(/FROM member_staging ORDER BY address_key, n\) AS firsts/);
      expect(seen.filter((entry) => /CREATE TEMPORARY TABLE member_staging .* ON COMMIT DROP/.test(entry.text))).toHaveLength(3);
      expect(seen.filter((entry) => /unnest/.test(entry.text))).toEqual([]);
      const { rows } = await store.query<{ n: number }>("SELECT count(*) AS n FROM pg_class WHERE relname = 'member_staging'");
      expect(rows[0]?.n).toBe(0); // dropped with each transaction
      expect((await store.getMember(RED, 'm7@example.com'))?.address).toBe('m7@example.com');
    } finally {
      await store.close();
    }
  });

  it('round-trips any name and fields exactly (commas, quotes, tabs, backslashes, line breaks in fields, Unicode); the first case given wins', async () => {
    const store = await createPostgresStore(await freshDatabase());
    const tricky = fc.constantFrom(
      ',',
      '"',
      "'",
      '\t',
      '\\',
      '\\N',
      '\\t',
      '\\\\',
      '\\.',
      ' ',
      'é',
      '€',
      '😀',
      '👩‍👩‍👧',
      '\u00a0',
      '\u2028',
    );
    const text = (breaks: boolean) =>
      fc
        .array(fc.oneof(tricky, fc.string({ unit: 'grapheme' }), ...(breaks ? [fc.constantFrom('\n', '\r\n', '\r', '\\n')] : [])), {
          maxLength: 6,
        })
        .map((parts) => parts.join('').replace(/\0/g, '')) // PostgreSQL text holds no NUL byte
        .filter((value) => breaks || !/[\r\n]/.test(value)); // a name holds no line break (parseMemberInput refuses it)
    const member = fc.record({
      local: fc.constantFrom('ann', 'Ann', 'ANN', 'bob', 'Bob', 'c.d', 'C.D', 'e+f'),
      name: text(false),
      fields: fc.option(
        fc.dictionary(
          text(true).filter((key) => key !== '__proto__'),
          text(true),
          { maxKeys: 3, noNullPrototype: true },
        ),
        { nil: undefined },
      ),
    });
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(member, { minLength: 1, maxLength: 8 }), async (given) => {
          run += 1;
          const list = `l${run}@lists.example.org`;
          await store.createList({ address: list });
          const inputs = given.map(({ local, name, fields }) => ({ address: `${local}@Example.org`, name, ...(fields && { fields }) }));
          const firsts = new Map<string, (typeof inputs)[number]>();
          for (const input of inputs) if (!firsts.has(input.address.toLowerCase())) firsts.set(input.address.toLowerCase(), input);
          expect(await store.addMembers(list, inputs)).toEqual({ added: firsts.size, existing: inputs.length - firsts.size });
          for (const [key, input] of firsts) {
            const stored = await store.getMember(list, key);
            expect(stored?.address).toBe(input.address);
            expect(stored?.name).toBe(input.name === '' ? undefined : input.name);
            expect(stored?.fields).toEqual(input.fields && Object.keys(input.fields).length > 0 ? input.fields : undefined);
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      await store.close();
    }
  });

  it('imports a 100,000-row CSV streamed in chunks: bad rows reported by line, the rest imported in file order', async () => {
    const store = await createPostgresStore(await freshDatabase());
    async function* csv(): AsyncGenerator<string> {
      yield 'email,name,city\n';
      for (let start = 0; start < 100_000; start += 1000) {
        let chunk = '';
        for (let row = start; row < start + 1000; row += 1) {
          if (row % 25_000 === 24_999) chunk += `not-an-address-${row},Bad,Nowhere\n`;
          else if (row === 50_000) chunk += 'M1@EXAMPLE.COM,"Again, in capitals",Paris\n';
          else chunk += `m${row}@example.com,"Name ${row}, with \\ and\ttab",City ${row % 7}\n`;
        }
        yield chunk;
      }
    }
    try {
      await store.createList({ address: RED });
      const report = await importCsv(store, RED, csv());
      expect(report).toEqual({
        rows: 100_000,
        added: 99_995,
        existing: 1,
        refused: 4,
        errors: [25_001, 50_001, 75_001, 100_001].map((line) => ({ line, reason: `not a valid address: "not-an-address-${line - 2}"` })),
      });
      expect(await store.countMembers(RED)).toBe(99_995);
      expect(await store.getMember(RED, 'm1@example.com')).toMatchObject({ name: 'Name 1, with \\ and\ttab', fields: { city: 'City 1' } });
      const first = (await store.members(RED, { batchSize: 1 })[Symbol.asyncIterator]().next()).value;
      expect(first?.members[0]?.address).toBe('m0@example.com');
    } finally {
      await store.close();
    }
  });

  describe('when the server goes away during a COPY', () => {
    let server: TestPostgres;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(() => server?.stop());

    it('is StoreUnavailableError without the password; the batches before it stay, nothing of its own', async () => {
      const url = `${server.url.replace('postgres@', 'postgres:hunter2@')}?pool=2&connect_timeout=2`;
      const store = await createPostgresStore(url);
      await store.createList({ address: RED });
      let copies = 0;
      let halted: Promise<void> = Promise.resolve();
      // The second COPY has sent all its rows; before it says CopyDone the server stops (fast shutdown cuts the connection).
      watchStatements(store, (seen) => {
        copies += 1;
        if (copies === 2 && seen.stream)
          seen.stream._final = () => {
            halted = server.halt();
          };
      });
      const error = await store.addMembers(RED, members(7000)).catch((caught: unknown) => caught);
      expect(copies).toBe(2);
      expect((error as Error).cause).toMatchObject({ code: '57P01' }); // "terminating connection due to administrator command", mid-COPY
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toContain(`PostgreSQL at postgres://postgres@127.0.0.1:${server.port}/postgres is unavailable`);
      expect([(error as Error).message, String((error as Error).cause), JSON.stringify(error)].join('\n')).not.toContain('hunter2');
      await store.close();
      await halted;
      await server.resume();
      const again = await createPostgresStore(url);
      try {
        expect(await again.countMembers(RED)).toBe(5000);
        expect(await again.getMember(RED, 'm5000@example.com')).toBeUndefined();
      } finally {
        await again.close();
      }
    });
  });
});
