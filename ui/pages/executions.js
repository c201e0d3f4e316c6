// The executions list (/executions): search and filter by workflow, status, start-time range
// and id or correlation id; newest first; paged; refreshed by polling while shown. The filters
// live in the URL's query string, so a filtered list can be shared and reloaded.
import { api, el, link, fmtTime, fmtDuration, toMs, statusBadge, errorBox, navigate } from '../app.js';

const PAGE_SIZE = 25;
const REFRESH_MS = 3000;
const STATUSES = ['RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'TERMINATED'];

// The search query for the filters (Conductor's query subset that /api/workflow/search reads).
function searchUrl(q) {
  const clauses = [];
  if (q.get('workflow')) clauses.push(`workflowType = '${q.get('workflow')}'`);
  if (q.get('status')) clauses.push(`status IN (${q.get('status')})`);
  if (q.get('from')) clauses.push(`startTime > ${new Date(q.get('from')).getTime()}`);
  if (q.get('to')) clauses.push(`startTime < ${new Date(q.get('to')).getTime()}`);
  const p = new URLSearchParams();
  p.set('start', String((Number(q.get('page') || 1) - 1) * PAGE_SIZE));
  p.set('size', String(PAGE_SIZE));
  if (clauses.length) p.set('query', clauses.join(' AND '));
  // freeText matches an execution id or a correlation id.
  if (q.get('text')) p.set('freeText', q.get('text'));
  return '/api/workflow/search?' + p.toString();
}

function filterForm(q, workflows) {
  const select = (name, options, label) => el('label', {}, label,
    el('select', { name, id: `filter-${name}` },
      el('option', { value: '' }, 'any'),
      options.map((o) => el('option', { value: o, selected: q.get(name) === o }, o))));
  const form = el('form', { class: 'filters', id: 'filters' },
    select('workflow', workflows, 'Workflow'),
    select('status', STATUSES, 'Status'),
    el('label', {}, 'Started after', el('input', { type: 'datetime-local', name: 'from', value: q.get('from') || '' })),
    el('label', {}, 'before', el('input', { type: 'datetime-local', name: 'to', value: q.get('to') || '' })),
    el('label', {}, 'Id or correlation id',
      el('input', { type: 'search', name: 'text', id: 'filter-text', value: q.get('text') || '' })),
    el('button', { type: 'submit', class: 'primary' }, 'Search'),
    el('label', { class: 'live' }, el('input', { type: 'checkbox', id: 'live', checked: true }), 'live'));
  const apply = (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    navigate('/executions' + (p.toString() ? '?' + p : ''));
  };
  form.addEventListener('submit', apply);
  for (const s of form.querySelectorAll('select')) s.addEventListener('change', apply);
  return form;
}

function row(w) {
  const end = w.endTime ? toMs(w.endTime) : Date.now();
  return el('tr', { 'data-id': w.workflowId, 'data-status': w.status },
    el('td', {}, link(`/executions/${w.workflowId}`, w.workflowId, { class: 'mono' })),
    el('td', {}, link(`/definitions/${encodeURIComponent(w.workflowType)}/${w.version}`, `${w.workflowType} v${w.version}`)),
    el('td', {}, statusBadge(w.status)),
    el('td', {}, fmtTime(w.startTime)),
    el('td', {}, fmtDuration(end - toMs(w.startTime))),
    el('td', { class: 'reason' }, w.correlationId || ''),
    el('td', { class: 'reason' }, w.reasonForIncompletion || ''));
}

function pager(q, total) {
  const page = Number(q.get('page') || 1);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const to = (n) => { const p = new URLSearchParams(q); p.set('page', n); return '/executions?' + p; };
  return el('div', { class: 'pager' },
    page > 1 ? link(to(page - 1), '← newer') : el('span', { class: 'muted' }, '← newer'),
    el('span', { id: 'page-info' }, ` page ${page} of ${pages} · ${total} executions `),
    page < pages ? link(to(page + 1), 'older →') : el('span', { class: 'muted' }, 'older →'));
}

export async function render(view, _params, q) {
  view.append(el('h1', {}, 'Executions'));
  let workflows = [];
  try { workflows = (await api('GET', '/api/weft/workflows')).map((w) => w.workflow); } catch (e) { /* shown below */ }
  view.append(filterForm(q, workflows));
  const table = el('table', { class: 'list', id: 'executions' },
    el('thead', {}, el('tr', {},
      ['Id', 'Workflow', 'Status', 'Started', 'Duration', 'Correlation id', 'Reason'].map((h) => el('th', {}, h)))),
    el('tbody'));
  const footer = el('div');
  view.append(table, footer);
  let timer = null;
  let stopped = false;
  const load = async () => {
    try {
      const res = await api('GET', searchUrl(q));
      if (stopped) return;
      table.tBodies[0].replaceChildren(...res.results.map(row));
      if (!res.results.length) {
        table.tBodies[0].append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No executions match.')));
      }
      footer.replaceChildren(pager(q, res.totalHits));
      table.dataset.loaded = String(Date.now());
    } catch (err) {
      if (!stopped) footer.replaceChildren(errorBox(err));
    }
    if (!stopped && document.getElementById('live')?.checked) timer = setTimeout(load, REFRESH_MS);
  };
  await load();
  document.getElementById('live').addEventListener('change', (e) => {
    clearTimeout(timer);
    if (e.target.checked) load();
  });
  return () => { stopped = true; clearTimeout(timer); };
}
