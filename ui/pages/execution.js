// One execution (/executions/{id}): its status, version, times, input, output and error; the
// diagram coloured by what happened (from GET /api/weft/executions/{id}/graph), where a click
// on a node shows that node's task attempts with their inputs, outputs, errors, worker, timings
// and logs; the history as a timeline; links to the parent and the children; and the actions
// (terminate, pause, resume, retry, restart, signal), each confirmed first, its result shown.
import { api, el, link, fmtTime, fmtDuration, jsonBlock, statusBadge, errorBox, confirmAction,
         flash } from '../app.js';
import { loadDiagram } from './diagram.js';

const REFRESH_MS = 2000;
const ENDED = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'TIMED_OUT']);

// Which actions make sense in which state (the server answers 409 for the others anyway).
const ACTIONS = [
  { name: 'terminate', label: 'Terminate', when: (s) => !ENDED.has(s), danger: true,
    ask: 'Terminate this execution? Its running tasks are canceled.',
    extra: () => el('label', {}, 'Reason ', el('input', { id: 'action-reason', value: 'terminated from the UI' })),
    call: (id) => api('DELETE', `/api/workflow/${id}?reason=${encodeURIComponent(document.getElementById('action-reason').value)}`) },
  { name: 'pause', label: 'Pause', when: (s) => s === 'RUNNING',
    ask: 'Pause this execution? No new tasks are scheduled until it is resumed.',
    call: (id) => api('PUT', `/api/workflow/${id}/pause`) },
  { name: 'resume', label: 'Resume', when: (s) => s === 'PAUSED',
    ask: 'Resume this execution?', call: (id) => api('PUT', `/api/workflow/${id}/resume`) },
  { name: 'retry', label: 'Retry', when: (s) => s === 'FAILED' || s === 'TIMED_OUT',
    ask: 'Retry this execution from its failed task?',
    call: (id) => api('POST', `/api/workflow/${id}/retry`) },
  { name: 'restart', label: 'Restart', when: (s) => ENDED.has(s),
    ask: 'Restart this execution from the beginning, with the same input?',
    call: (id) => api('POST', `/api/workflow/${id}/restart`) },
  { name: 'signal', label: 'Send signal', when: (s) => !ENDED.has(s),
    ask: 'Send a signal to this execution?',
    extra: () => el('div', { class: 'stack' },
      el('label', {}, 'Signal name ', el('input', { id: 'signal-name', required: true })),
      el('label', {}, 'Payload (JSON) ', el('textarea', { id: 'signal-payload', rows: 3 }, '{}'))),
    call: (id) => {
      const name = document.getElementById('signal-name').value.trim();
      if (!name) throw new Error('a signal needs a name');
      const payload = document.getElementById('signal-payload').value.trim() || 'null';
      JSON.parse(payload);  // refuse what is not JSON before sending it
      return api('POST', `/api/weft/workflow/${id}/signal/${encodeURIComponent(name)}`, payload);
    } },
];

function actionBar(w, refresh) {
  const bar = el('div', { class: 'actions no-print', id: 'actions' });
  for (const a of ACTIONS) {
    if (!a.when(w.status)) continue;
    bar.append(el('button', {
      type: 'button', id: `action-${a.name}`, class: a.danger ? 'danger' : '',
      onclick: async () => {
        if (!(await confirmAction(a.ask, a.extra ? a.extra() : null))) return;
        try {
          await a.call(w.workflowId);
          flash(`${a.label}: done`, 'ok');
        } catch (err) {
          flash(`${a.label} failed: ${err.message}`, 'bad');
        }
        refresh();
      },
    }, a.label));
  }
  return bar;
}

function summary(w, children) {
  const dl = el('dl', { class: 'summary' });
  const item = (k, v) => dl.append(el('dt', {}, k), el('dd', {}, v));
  item('Status', statusBadge(w.status));
  item('Workflow', link(`/definitions/${encodeURIComponent(w.workflowName)}/${w.workflowVersion}`,
                        `${w.workflowName} v${w.workflowVersion}`));
  item('Started', fmtTime(w.startTime));
  item('Updated', fmtTime(w.updateTime));
  item('Ended', fmtTime(w.endTime));
  item('Duration', fmtDuration((w.endTime || Date.now()) - w.startTime));
  if (w.correlationId) item('Correlation id', w.correlationId);
  item('Parent', w.parentWorkflowId ? link(`/executions/${w.parentWorkflowId}`, w.parentWorkflowId, { id: 'parent-link' }) : '—');
  item('Children', children.length
    ? el('ul', { class: 'plain', id: 'children' }, children.map((c) =>
        el('li', {}, link(`/executions/${c.id}`, c.id, { class: 'mono' }), ` ${c.workflow}${c.detached ? ' (detached)' : ''}`)))
    : '—');
  return dl;
}

function ioPanels(w) {
  const panels = el('div', { class: 'io' },
    el('section', {}, el('h3', {}, 'Input'), jsonBlock(w.input)),
    el('section', {}, el('h3', {}, 'Output'), jsonBlock(w.output)));
  if (w.reasonForIncompletion) {
    panels.prepend(el('section', { class: 'error-panel', id: 'execution-error' },
      el('h3', {}, 'Error'), el('pre', { class: 'json' }, w.reasonForIncompletion)));
  }
  return panels;
}

// The task attempts with these ids, each with its input, output, error, worker, times and logs.
export async function showAttempts(panel, ids, title) {
  panel.replaceChildren(el('h3', {}, title), el('p', { class: 'muted' }, 'Loading…'));
  const attempts = await Promise.all(ids.map(async (id) => {
    try {
      const [t, logs] = await Promise.all([api('GET', `/api/tasks/${id}`),
        api('GET', `/api/tasks/${id}/log`).catch(() => null)]);
      return { t, logs: logs || [] };
    } catch (err) { return { err, id }; }
  }));
  panel.replaceChildren(el('h3', {}, title));
  if (!attempts.length) panel.append(el('p', { class: 'muted' }, 'Not reached: no task ran here.'));
  for (const a of attempts) {
    if (a.err) { panel.append(errorBox(a.err)); continue; }
    const t = a.t;
    const box = el('article', { class: 'attempt', 'data-task-id': t.taskId, 'data-status': t.status },
      el('header', {}, el('strong', {}, `${t.taskType} · attempt ${t.retryCount + 1}`), ' ', statusBadge(t.status),
        el('span', { class: 'muted mono' }, ` ${t.taskId}`)),
      el('dl', { class: 'summary' },
        el('dt', {}, 'Worker'), el('dd', {}, t.workerId || '—'),
        el('dt', {}, 'Scheduled'), el('dd', {}, fmtTime(t.scheduledTime)),
        el('dt', {}, 'Started'), el('dd', {}, fmtTime(t.startTime)),
        el('dt', {}, 'Ended'), el('dd', {}, fmtTime(t.endTime)),
        el('dt', {}, 'Ran for'), el('dd', {}, t.startTime && t.endTime ? fmtDuration(t.endTime - t.startTime) : '—'),
        el('dt', {}, 'Deliveries'), el('dd', {}, String(t.pollCount))));
    if (t.reasonForIncompletion) {
      box.append(el('div', { class: 'error-panel task-error' }, el('h4', {}, 'Error'),
        el('pre', { class: 'json' }, t.reasonForIncompletion)));
    }
    box.append(el('div', { class: 'io' },
      el('section', {}, el('h4', {}, 'Input'), jsonBlock(t.inputData)),
      el('section', {}, el('h4', {}, 'Output'), jsonBlock(t.outputData))));
    box.append(el('h4', {}, 'Logs'), a.logs.length
      ? el('pre', { class: 'logs' }, a.logs.map((l) => (l.createdTime ? `${fmtTime(l.createdTime)}  ` : "") + l.log).join('\n'))
      : el('p', { class: 'muted' }, 'No log lines.'));
    panel.append(box);
  }
}

// The history as a timeline: each event with its time and the offset from the start.
function timeline(events) {
  const t0 = events.length ? events[0].time : 0;
  return el('ol', { class: 'timeline', id: 'history' }, events.map((e) =>
    el('li', { class: `ev ev-${e.type.toLowerCase()}`, 'data-type': e.type },
      el('span', { class: 'when' }, fmtTime(e.time), el('small', {}, ` +${fmtDuration(e.time - t0)}`)),
      el('span', { class: 'what' }, e.type),
      e.taskId ? el('span', { class: 'mono muted' }, ` ${e.taskId}`) : '',
      e.details && Object.keys(e.details).length ? el('details', {}, el('summary', {}, 'details'), jsonBlock(e.details)) : '')));
}

// The tasks as a table: a fallback when there is no diagram, and a summary when there is.
function taskTable(tasks, panel) {
  return el('table', { class: 'list', id: 'tasks' },
    el('thead', {}, el('tr', {}, ['Task', 'Attempt', 'Status', 'Worker', 'Started', 'Ran for'].map((h) => el('th', {}, h)))),
    el('tbody', {}, tasks.map((t) => el('tr', { 'data-task-id': t.taskId, class: 'clickable',
        onclick: () => showAttempts(panel, [t.taskId], `Task ${t.taskType}`) },
      el('td', {}, t.taskType), el('td', {}, String(t.retryCount + 1)), el('td', {}, statusBadge(t.status)),
      el('td', {}, t.workerId || '—'), el('td', {}, fmtTime(t.startTime)),
      el('td', {}, t.startTime && t.endTime ? fmtDuration(t.endTime - t.startTime) : '—')))));
}

export async function render(view, [id]) {
  let stopped = false;
  let timer = null;
  const header = el('div');
  const body = el('div');
  const graphBox = el('div', { class: 'diagram', id: 'diagram' });
  const panel = el('aside', { class: 'task-panel', id: 'task-panel' },
    el('p', { class: 'muted' }, 'Click a node of the diagram (or a task below) to see its attempts.'));
  const tasksBox = el('div');
  const historyBox = el('div');
  view.append(header, body,
    el('h2', {}, 'Diagram'), el('div', { class: 'diagram-row' }, graphBox, panel),
    el('h2', {}, 'Tasks'), tasksBox, el('h2', {}, 'History'), historyBox);
  let lastKey = '';
  const load = async () => {
    let w;
    let events;
    try {
      [w, events] = await Promise.all([api('GET', `/api/workflow/${id}?includeTasks=true`),
                                       api('GET', `/api/weft/workflow/${id}/history`)]);
    } catch (err) {
      if (!stopped) header.replaceChildren(el('h1', {}, 'Execution ', el('span', { class: 'mono' }, id)), errorBox(err));
      return;
    }
    if (stopped) return;
    const children = events.filter((e) => e.type === 'CHILD_STARTED' && e.details && e.details.child_id)
      .map((e) => ({ id: e.details.child_id, workflow: e.details.workflow, detached: e.details.detached }));
    header.replaceChildren(
      el('h1', {}, 'Execution ', el('span', { class: 'mono', id: 'execution-id' }, id), ' ',
        el('span', { id: 'execution-status' }, statusBadge(w.status))),
      actionBar(w, () => { clearTimeout(timer); load(); }));
    body.replaceChildren(summary(w, children), ioPanels(w));
    tasksBox.replaceChildren(taskTable(w.tasks || [], panel));
    historyBox.replaceChildren(timeline(events));
    // Redraw the diagram only when something happened (keeps the selection and scroll).
    const key = `${w.status}:${events.length}`;
    if (key !== lastKey) {
      lastKey = key;
      await loadDiagram(graphBox, `/api/weft/executions/${id}/graph`, (node) => {
        for (const n of graphBox.querySelectorAll('g.node.selected')) n.classList.remove('selected');
        node.classList.add('selected');
        const ids = (node.dataset.taskIds || '').split(/\s+/).filter(Boolean);
        const title = node.dataset.task ? `Task ${node.dataset.task}` : `${node.dataset.kind || 'Node'} (line ${node.dataset.line || '?'})`;
        showAttempts(panel, ids, title);
      });
    }
    if (!stopped && !ENDED.has(w.status)) timer = setTimeout(load, REFRESH_MS);
  };
  await load();
  return () => { stopped = true; clearTimeout(timer); };
}
