// Task queues (/queues): each task type with the tasks waiting, the tasks in progress (out to a
// worker under a lease), and the workers seen polling it with when each last polled. Refreshed
// by polling while shown.
import { api, el, fmtTime, fmtDuration, errorBox } from '../app.js';

const REFRESH_MS = 3000;

export async function render(view) {
  view.append(el('h1', {}, 'Task queues'));
  const box = el('div');
  view.append(box);
  let stopped = false;
  let timer = null;
  const load = async () => {
    try {
      const [queues, polls] = await Promise.all([api('GET', '/api/weft/queues'),
                                                 api('GET', '/api/tasks/queue/polldata/all')]);
      if (stopped) return;
      const byType = new Map(queues.map((q) => [q.taskType, { ...q, workers: [] }]));
      for (const p of polls || []) {
        if (!byType.has(p.queueName)) byType.set(p.queueName, { taskType: p.queueName, waiting: 0, inProgress: 0, workers: [] });
        byType.get(p.queueName).workers.push(p);
      }
      const now = Date.now();
      const rows = [...byType.values()].sort((a, b) => a.taskType.localeCompare(b.taskType));
      const workers = (q) => (q.workers.length
        ? el('ul', { class: 'plain' }, q.workers.map((w) => el('li', {},
            el('span', { class: 'mono' }, w.workerId),
            ` ${fmtTime(w.lastPollTime)} (${fmtDuration(now - w.lastPollTime)} ago)`)))
        : el('span', { class: 'muted' }, 'none seen since the server started'));
      const row = (q) => el('tr', { 'data-type': q.taskType },
        el('td', { class: 'mono' }, q.taskType),
        el('td', { class: 'num' }, String(q.waiting)),
        el('td', { class: 'num' }, String(q.inProgress)),
        el('td', {}, workers(q)));
      const head = el('thead', {}, el('tr', {},
        ['Task type', 'Waiting', 'In progress', 'Workers polling (last poll)'].map((h) => el('th', {}, h))));
      box.replaceChildren(rows.length
        ? el('table', { class: 'list', id: 'queues' }, head, el('tbody', {}, rows.map(row)))
        : el('p', { class: 'muted' }, 'No task is waiting or in progress, and no worker has polled.'));
    } catch (err) {
      if (!stopped) box.replaceChildren(errorBox(err));
    }
    if (!stopped) timer = setTimeout(load, REFRESH_MS);
  };
  await load();
  return () => { stopped = true; clearTimeout(timer); };
}
