import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvHeaderError, exportCsv, importCsv } from '../../src/store/csv-members.js';
import type { ListStore } from '../../src/store/store.js';
import { allMembers, STORES, type StoreFixture } from './store-fixtures.js';

const RED = 'red@lists.example.org';

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

describe.each(STORES)('CSV import and export on the %s store', (_name, make) => {
  let fixture: StoreFixture;
  let store: ListStore;
  beforeEach(async () => {
    fixture = await make();
    store = fixture.store;
    await store.createList({ address: RED });
  });
  afterEach(() => fixture.cleanup());

  it('imports a quoted comma, a quoted newline, a duplicate in another case; reports the bad row by line and imports the rest', async () => {
    const csv = [
      'Email,Name,City',
      'anne@example.com,"Smith, Anne",Oslo',
      'bob@example.com,"Bob',
      'on two lines",Bergen',
      'ANNE@EXAMPLE.COM,Duplicate,Paris',
      'not-an-address,Bad,Rome',
      'carl@example.com,Carl',
      'dora@example.com,Dora,',
      '',
    ].join('\r\n');
    const report = await importCsv(store, RED, csv);
    expect(report).toEqual({
      rows: 6,
      added: 3,
      existing: 1,
      refused: 2,
      errors: [
        { line: 6, reason: 'not a valid address: "not-an-address"' },
        { line: 7, reason: '2 fields where the header has 3' },
      ],
    });
    const members = await allMembers(store, RED);
    expect(members.map(({ address, name, fields }) => ({ address, name, fields }))).toEqual([
      { address: 'anne@example.com', name: 'Smith, Anne', fields: { City: 'Oslo' } },
      { address: 'bob@example.com', name: 'Bob on two lines', fields: { City: 'Bergen' } },
      { address: 'dora@example.com', name: 'Dora', fields: undefined },
    ]);
  });

  it('refuses a file without an address column before importing anything', async () => {
    await expect(importCsv(store, RED, 'name,city\nAnne,Oslo\n')).rejects.toBeInstanceOf(CsvHeaderError);
    expect(await store.countMembers(RED)).toBe(0);
  });

  it('exports what it imports: names, fields and delivery state survive the round trip', async () => {
    await store.addMembers(RED, [
      { address: 'Anne@Example.com', name: 'Smith, Anne', fields: { city: 'Oslo' } },
      { address: 'b@example.com', fields: { team: 'x"y' } },
    ]);
    await store.updateMember(RED, 'b@example.com', { enabled: false, disabledReason: 'bounces, 5 in a row' });
    const csv = await text(exportCsv(store, RED));
    expect(csv.split('\r\n')[0]).toBe('address,name,enabled,disabled_reason,city,team');
    await store.createList({ address: 'copy@lists.example.org' });
    const report = await importCsv(store, 'copy@lists.example.org', [csv]);
    expect(report).toMatchObject({ added: 2, refused: 0 });
    const strip = (members: Awaited<ReturnType<typeof allMembers>>) => members.map(({ addedAt: _a, position: _p, ...rest }) => rest);
    expect(strip(await allMembers(store, 'copy@lists.example.org'))).toEqual(strip(await allMembers(store, RED)));
  });
});
