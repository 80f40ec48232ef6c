import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '@mailroom/lists';
import { type Client, type ConsoleServer, consoleServer, PASSWORD } from './support/console-server.js';
import { waitFor } from '@mailroom/test-support';

const RED = 'red@lists.example.org';
const ROWS = 10_000;
/** The line of the bad row: the header is line 1, so data row 5000 is line 5001. */
const BAD_LINE = 5001;
let running: ConsoleServer;
let admin: Client;

/** A CSV of ROWS members with a city field, data row 5000 a bad address. */
function csv(): string {
  const lines = ['address,name,city'];
  for (let row = 1; row <= ROWS; row += 1) {
    lines.push(row === BAD_LINE - 1 ? 'not-an-address,Bad Row,Nowhere' : `member${row}@example.com,"Member ${row}",City ${row % 7}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

beforeAll(async () => {
  running = await consoleServer({ lists: [{ address: RED }] });
  admin = running.client();
  await admin.login('admin', PASSWORD);
});
afterAll(() => running?.stop());

describe('CSV import as a background job, and the export as a stream', () => {
  it('imports 10,000 rows in the background, reporting progress and the bad row by its line number', async () => {
    const started = await admin.request('POST', `/lists/${encodeURIComponent(RED)}/imports`, { body: csv() });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ list: RED, total: ROWS });
    expect(['running', 'done']).toContain(started.body.state);
    expect(started.headers.get('location')).toBe(`/api/v1/imports/${started.body.id}`);
    const seen: number[] = [];
    const done = await waitFor(async () => {
      const job = (await admin.request('GET', `/imports/${started.body.id}`)).body;
      seen.push(job.rows);
      return job.state === 'running' ? undefined : job;
    });
    expect(done).toMatchObject({ state: 'done', total: ROWS, rows: ROWS, added: ROWS - 1, existing: 0, refused: 1 });
    expect(done.errors).toEqual([{ line: BAD_LINE, message: 'not a valid address: "not-an-address"' }]);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // progress only grows
    expect(await running.store.countMembers(RED)).toBe(ROWS - 1);
    expect(await running.store.getMember(RED, 'member7@example.com')).toMatchObject({ name: 'Member 7', fields: { city: 'City 0' } });
  });

  it('fails a file without an address column as a job, says why, and refuses a body that is not CSV', async () => {
    const started = await admin.request('POST', `/lists/${encodeURIComponent(RED)}/imports`, { body: 'name,city\r\nAnn,Paris\r\n' });
    const failed = await waitFor(async () => {
      const job = (await admin.request('GET', `/imports/${started.body.id}`)).body;
      return job.state === 'running' ? undefined : job;
    });
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/no "address"/);
    expect((await admin.request('POST', `/lists/${encodeURIComponent(RED)}/imports`, { json: { address: 'x@example.com' } })).status).toBe(
      415,
    );
    expect((await admin.request('GET', '/imports/nothing')).status).toBe(404);
  });

  it('another user does not see an import they did not start', async () => {
    const started = await admin.request('POST', `/lists/${encodeURIComponent(RED)}/imports`, { body: 'address\r\nsolo@example.com\r\n' });
    const olive = running.client();
    await olive.login('olive', PASSWORD);
    expect((await olive.request('GET', `/imports/${started.body.id}`)).status).toBe(404);
    await waitFor(async () => ((await admin.request('GET', `/imports/${started.body.id}`)).body.state === 'done' ? true : undefined));
  });

  it('streams every member as CSV, read back by the CSV parser', async () => {
    const response = await fetch(`${running.base}/api/v1/lists/${encodeURIComponent(RED)}/members.csv`, {
      headers: { cookie: admin.cookie() as string },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="red_lists.example.org-members.csv"');
    const records: string[][] = [];
    for await (const record of parseCsv(response.body as unknown as AsyncIterable<Uint8Array>))
      if (record.fields) records.push(record.fields);
    expect(records[0]).toEqual(['address', 'name', 'enabled', 'disabled_reason', 'city']);
    expect(records).toHaveLength(ROWS - 1 + 1 + 1); // members, solo@, the header
    expect(records).toContainEqual(['member10@example.com', 'Member 10', 'true', '', 'City 3']);
  });
});
