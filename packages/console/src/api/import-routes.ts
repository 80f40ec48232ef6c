import { listFor } from '../auth/scope.js';
import { mediaType, readBody } from '../http/body.js';
import { ApiProblem } from '../http/problem.js';
import { sendJson } from '../http/respond.js';
import type { ImportJob } from '../jobs/import-jobs.js';
import { type ApiContext, who } from './context.js';

/** An import job as the API shows it. */
function jobJson(job: ImportJob): Record<string, unknown> {
  return {
    id: job.id,
    list: job.list,
    state: job.state,
    total: job.total,
    rows: job.rows,
    added: job.added,
    existing: job.existing,
    refused: job.refused,
    errors: job.errors,
    ...(job.error !== undefined && { error: job.error }),
    startedAt: job.startedAt.toISOString(),
    ...(job.finishedAt && { finishedAt: job.finishedAt.toISOString() }),
  };
}

/** `POST /lists/{list}/imports` (a CSV body) starts a background import; `GET /imports/{id}` follows it. */
export function importRoutes(context: ApiContext): void {
  const { router, host, jobs } = context;

  router.add('POST', '/lists/{list}/imports', async ({ request, response, principal, params }) => {
    const me = who(principal);
    const list = await listFor(host.store, me, params.list as string, 'manage');
    if (!['text/csv', 'text/plain', 'application/csv'].includes(mediaType(request)))
      throw new ApiProblem(415, 'Send the members as text/csv');
    const csv = await readBody(request, host.settings.console.maxImportBytes);
    const job = await jobs.start(list.address, csv, me.name);
    host.logger.info({ list: list.address, by: me.name, rows: job.total, id: job.id }, 'console import started');
    sendJson(response, 202, jobJson(job), { location: `/api/v1/imports/${job.id}` });
  });

  router.add('GET', '/imports/{id}', async ({ response, principal, params }) => {
    const me = who(principal);
    const job = jobs.get(params.id as string);
    if (!job || (me.role !== 'operator' && job.by !== me.name)) throw new ApiProblem(404, 'No such import');
    sendJson(response, 200, jobJson(job));
  });
}
