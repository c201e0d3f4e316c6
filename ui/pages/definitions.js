// Definitions (/definitions, /definitions/{name}, /definitions/{name}/{version}): every
// deployed workflow with its latest version; one workflow's versions, the `.wf` source and the
// diagram of the chosen version, and a form that starts an execution with JSON input checked
// against the version's parameters before it is sent (the server checks it again).
import { api, el, link, fmtTime, errorBox, navigate } from '../app.js';
import { loadDiagram } from './diagram.js';

async function renderList(view) {
  view.append(el('h1', {}, 'Definitions'));
  const all = await api('GET', '/api/weft/workflows');
  if (!all.length) {
    view.append(el('p', { class: 'muted' }, 'No workflow is deployed. Deploy one with `weft deploy FILE.wf` or POST /api/weft/deploy.'));
    return;
  }
  view.append(el('table', { class: 'list', id: 'definitions' },
    el('thead', {}, el('tr', {}, ['Workflow', 'Latest version', 'Deployed', 'Source file'].map((h) => el('th', {}, h)))),
    el('tbody', {}, all.map((w) => el('tr', { 'data-workflow': w.workflow },
      el('td', {}, link(`/definitions/${encodeURIComponent(w.workflow)}`, w.workflow)),
      el('td', {}, String(w.version)), el('td', {}, fmtTime(w.deployedAt)),
      el('td', { class: 'mono' }, w.sourceFile))))));
}

// Why `input` does not fit `params` (a list of messages; empty when it fits).
export function checkInput(input, params) {
  const problems = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return ['the input must be a JSON object'];
  }
  const known = new Set(params.map((p) => p.name));
  for (const p of params) {
    if (!(p.name in input)) {
      if (p.required) problems.push(`\`${p.name}\` is required (${p.type})`);
      continue;
    }
    const v = input[p.name];
    const ok = {
      any: () => true,
      string: () => typeof v === 'string',
      int: () => Number.isInteger(v),
      float: () => typeof v === 'number',
      number: () => typeof v === 'number',
      bool: () => typeof v === 'boolean',
      list: () => Array.isArray(v),
      object: () => v !== null && typeof v === 'object' && !Array.isArray(v),
    }[p.type];
    if (ok && !ok()) problems.push(`\`${p.name}\` must be ${p.type}, not ${JSON.stringify(v)}`);
  }
  for (const k of Object.keys(input)) {
    if (!known.has(k)) problems.push(`\`${k}\` is not a parameter of this workflow`);
  }
  return problems;
}

function example(params) {
  const sample = { any: null, string: '', int: 0, float: 0.0, number: 0, bool: false, list: [], object: {} };
  const o = {};
  for (const p of params) o[p.name] = p.required ? sample[p.type] ?? null : p.default;
  return JSON.stringify(o, null, 2);
}

function startForm(def) {
  const text = el('textarea', { id: 'start-input', rows: Math.min(14, 3 + def.params.length), spellcheck: 'false' }, example(def.params));
  const problems = el('ul', { class: 'problems', id: 'start-problems' });
  const form = el('form', { class: 'start no-print', id: 'start-form' },
    el('h2', {}, `Start ${def.workflow} v${def.version}`),
    def.params.length
      ? el('table', { class: 'params' }, el('tbody', {}, def.params.map((p) => el('tr', {},
          el('td', { class: 'mono' }, p.name), el('td', {}, p.type),
          el('td', { class: 'muted' }, p.required ? 'required' : `default ${JSON.stringify(p.default)}`)))))
      : el('p', { class: 'muted' }, 'This workflow takes no parameters.'),
    el('label', {}, 'Input (JSON)', text), problems,
    el('button', { type: 'submit', class: 'primary', id: 'start-button' }, 'Start execution'));
  const check = () => {
    let input;
    try { input = JSON.parse(text.value || '{}'); } catch (e) { return [`not JSON: ${e.message}`]; }
    return checkInput(input, def.params);
  };
  text.addEventListener('input', () => problems.replaceChildren(...check().map((p) => el('li', {}, p))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const found = check();
    problems.replaceChildren(...found.map((p) => el('li', {}, p)));
    if (found.length) return;
    try {
      const id = await api('POST', '/api/workflow', { name: def.workflow, version: def.version, input: JSON.parse(text.value || '{}') });
      navigate(`/executions/${id}`);
    } catch (err) {
      problems.replaceChildren(el('li', {}, `the server refused it: ${err.message}`));
    }
  });
  return form;
}

async function renderWorkflow(view, name, versionText) {
  const versions = await api('GET', `/api/weft/workflows/${encodeURIComponent(name)}/versions`);
  const version = versionText ? Number(versionText) : versions[versions.length - 1].version;
  const def = await api('GET', `/api/weft/workflows/${encodeURIComponent(name)}/versions/${version}`);
  view.append(el('h1', {}, `${name} `, el('span', { class: 'muted' }, `v${version}`)),
    el('nav', { class: 'versions', id: 'versions' }, 'Versions: ', versions.slice().reverse().map((v) =>
      v.version === version ? el('strong', {}, `v${v.version} `)
                            : [link(`/definitions/${encodeURIComponent(name)}/${v.version}`, `v${v.version}`), ' '])),
    el('p', { class: 'muted' }, `Deployed ${fmtTime(def.deployedAt)} from ${def.sourceFile} · bytecode ${def.hash.slice(0, 12)}`),
    el('p', {}, link(`/executions?workflow=${encodeURIComponent(name)}`, 'Executions of this workflow')));
  const graphBox = el('div', { class: 'diagram', id: 'diagram' });
  const source = def.source !== undefined
    ? el('pre', { class: 'source', id: 'source' }, def.source)
    : el('p', { class: 'muted', id: 'source-missing' }, 'The server has no source for this version (a version deployed before store format 6 has none; deploying the same file again stores it).');
  view.append(el('div', { class: 'two' },
    el('section', {}, el('h2', {}, 'Source'), source),
    el('section', {}, el('h2', {}, 'Diagram'), graphBox)), startForm(def));
  await loadDiagram(graphBox, `/api/weft/workflows/${encodeURIComponent(name)}/versions/${version}/graph`, null);
}

export async function render(view, [name, version], _query) {
  if (!name) return renderList(view);
  try {
    await renderWorkflow(view, name, version);
  } catch (err) {
    view.append(errorBox(err));
  }
}
