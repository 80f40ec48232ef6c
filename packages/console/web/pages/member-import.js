// CSV import of members: the file goes to the API as text/csv, then the import job is polled
// and its progress shown in a <progress> bar until it is done.
import { api, segment } from '../api.js';
import { field, fill, h } from '../dom.js';
import { messageBox } from '../ui.js';

const POLL_MS = 300;

/** The import form of the members page; calls `onDone()` after a finished import. */
export function importBox(base, { announce, onDone }) {
  const messages = messageBox();
  const file = h('input', { type: 'file', name: 'csv', accept: '.csv,text/csv', required: true });
  const bar = h('progress', { max: 1, value: 0, id: 'import-progress', 'aria-label': 'Import progress' });
  const status = h('p', { class: 'import-status', role: 'status' });
  const progress = h('div', { class: 'import', hidden: true }, bar, status);
  const submit = h('button', { type: 'submit' }, 'Import');

  function show(job) {
    progress.hidden = false;
    bar.max = Math.max(job.total, 1);
    bar.value = job.rows;
    bar.dataset.state = job.state;
    const counts = `${job.rows} of ${job.total} rows: ${job.added} added, ${job.existing} already members, ${job.refused ?? 0} refused`;
    status.textContent =
      job.state === 'failed'
        ? `Import failed: ${job.error ?? 'unknown error'}`
        : job.state === 'done'
          ? `Import done. ${counts}.`
          : `Importing... ${counts}.`;
  }

  async function poll(id) {
    for (;;) {
      const job = await api('GET', `/imports/${segment(id)}`);
      show(job);
      if (job.state !== 'running') return job;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  const form = h(
    'form',
    {
      class: 'box',
      'aria-labelledby': 'import-heading',
      onsubmit: async (event) => {
        event.preventDefault();
        messages.clear();
        const chosen = file.files?.[0];
        if (!chosen) return;
        submit.disabled = true;
        try {
          const job = await api('POST', `${base}/imports`, await chosen.text(), 'text/csv');
          show(job);
          const finished = job.state === 'running' ? await poll(job.id) : job;
          if (finished.errors?.length > 0) {
            fill(
              messages.box,
              h(
                'details',
                {},
                h('summary', {}, `${finished.errors.length} rows with errors`),
                h('ul', {}, ...finished.errors.slice(0, 100).map((error) => h('li', {}, `line ${error.line}: ${error.message}`))),
              ),
            );
          }
          announce(finished.state === 'done' ? 'Import done' : 'Import failed');
          await onDone();
        } catch (error) {
          messages.error(error);
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'import-heading' }, 'Import members from CSV'),
    h('div', { class: 'row' }, field('CSV file', file, 'A header line with address (and name, other fields)').row, submit),
    progress,
    messages.box,
  );
  return form;
}
