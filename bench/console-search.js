// Console member search: `store.searchMembers` (what GET /api/v1/lists/{list}/members runs) on a
// 1,000,000-member SQLite list, one keyset page of 50 at a time. Measures the median of ROUNDS
// runs of each query: the first page, a page deep in the list (by cursor), an address prefix and
// a name substring that match many members, and ones that match few (the worst case: the index
// is walked in address order until the page fills or the list ends). Prints the SQLite plan.
// Last line: {"bench":"console-search","members":N,"firstPageMs":..,"deepPageMs":..,...}
// Env: BENCH_MEMBERS (1000000), BENCH_ROUNDS (5).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@mailroom/lists';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LIST = 'big@lists.example.org';
const FIRST = ['Ann', 'Bob', 'Cy', 'Dee', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo'];

const directory = mkdtempSync(join(tmpdir(), 'mailroom-bench-search-'));
const store = createSqliteStore(join(directory, 'mailroom.db'), { synchronous: 'normal' });
try {
  await store.createList({ address: LIST });
  const started = performance.now();
  function* members() {
    for (let index = 0; index < MEMBERS; index += 1) {
      yield { address: `member${index}@d${index % 1000}.example.com`, name: `${FIRST[index % 10]} Person${index}` };
    }
  }
  await store.addMembers(LIST, members());
  console.log(`added ${MEMBERS} members in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const median = async (run) => {
    const times = [];
    let result;
    for (let round = 0; round < ROUNDS; round += 1) {
      const start = performance.now();
      result = await run();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)], result };
  };
  const report = { bench: 'console-search', members: MEMBERS };
  const measure = async (key, label, options) => {
    const { ms, result } = await median(() => store.searchMembers(LIST, { limit: 50, ...options }));
    report[key] = Number(ms.toFixed(2));
    console.log(
      `${label.padEnd(58)} ${ms.toFixed(2).padStart(9)} ms  (${result.members.length} on the page${result.next ? ', more' : ''})`,
    );
  };
  await measure('firstPageMs', 'first page, no query', {});
  const deep = (await store.searchMembers(LIST, { query: 'member5', limit: 1 })).members[0].address.toLowerCase();
  await measure('deepPageMs', 'a page after a cursor deep in the list', { after: deep });
  await measure('prefixManyMs', 'address prefix matching many ("member12")', { query: 'member12' });
  await measure('nameManyMs', 'name substring matching many ("eve")', { query: 'eve' });
  await measure('prefixFewMs', 'address prefix matching one ("member999999@")', { query: 'member999999@' });
  await measure('nameFewMs', 'name substring matching one ("person777777")', { query: 'person777777' });
  await measure('noneMs', 'a query matching nobody ("zzz")', { query: 'zzz' });
  const plan = store.database
    .prepare(
      "EXPLAIN QUERY PLAN SELECT id FROM members WHERE list_id = ? AND address_key > ? AND (address_key LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\') ORDER BY address_key LIMIT ?",
    )
    .all(1, '', 'x%', '%x%', 51)
    .map((row) => row.detail);
  console.log(`plan: ${plan.join(' | ')}`);
  console.log(JSON.stringify(report));
} finally {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
}
