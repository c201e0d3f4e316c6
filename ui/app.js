// The web UI's shell: the API client (with the bearer token kept in sessionStorage), the
// client-side router (real URLs, so every page can be shared and reloaded; the server answers
// index.html for them), the confirmation dialog, and small DOM helpers the pages share.
// Each page is a module in pages/ exporting `render(view, params, query)`, which may return a
// function that stops what it started (polling) when the user navigates away.

import * as executions from './pages/executions.js';
import * as execution from './pages/execution.js';
import * as definitions from './pages/definitions.js';
import * as queues from './pages/queues.js';

const TOKEN_KEY = 'weft.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Calls the server's API. `body` is sent as JSON unless it is a string. Answers the parsed JSON,
// the text for text/plain, or null for an empty body. A 401 asks for the token once and retries.
export async function api(method, path, body, { retried = false, accept } = {}) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers['Authorization'] = 'Bearer ' + token;
  if (accept) headers['Accept'] = accept;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, { method, headers, body: payload });
  if (res.status === 401 && !retried) {
    if (await askToken()) return api(method, path, body, { retried: true, accept });
  }
  const text = await res.text();
  const type = res.headers.get('Content-Type') || '';
  if (!res.ok) {
    let message = text || res.statusText;
    try { message = JSON.parse(text).message || message; } catch (e) { /* not JSON */ }
    throw new ApiError(res.status, message);
  }
  if (!text) return null;
  if (type.startsWith('application/json')) return JSON.parse(text);
  return text;
}

// Asks for the bearer token; true when one was given.
export function askToken() {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  input.value = sessionStorage.getItem(TOKEN_KEY) || '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const ok = dialog.returnValue === 'ok' && input.value !== '';
      if (ok) sessionStorage.setItem(TOKEN_KEY, input.value);
      resolve(ok);
    }, { once: true });
    dialog.showModal();
  });
}

// Asks the user to confirm `text`; `extra` (a node) may hold inputs the action needs.
// Resolves true on Confirm.
export function confirmAction(text, extra) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  const holder = document.getElementById('confirm-extra');
  holder.replaceChildren(...(extra ? [extra] : []));
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

// Shows a result message at the top of the page.
export function flash(message, kind = 'ok') {
  const box = document.getElementById('flash');
  box.className = kind;
  box.textContent = message;
}

// Builds an element: el('a', {href: '/x', class: 'y'}, 'text', child, ...).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function link(href, text, attrs = {}) {
  return el('a', { href, 'data-link': true, ...attrs }, text);
}

// A time as milliseconds since the epoch: the API gives numbers (Conductor's Workflow and Task)
// or ISO 8601 text (Conductor's WorkflowSummary, as search returns it). NaN when neither.
export function toMs(t) {
  if (typeof t === 'number') return t;
  if (typeof t === 'string' && t !== '') return /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  return NaN;
}

export function fmtTime(t) {
  const ms = toMs(t);
  if (!ms) return '—';
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
         `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function fmtDuration(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms) || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3600000) return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
  return `${(ms / 3600000).toFixed(1)} h`;
}

// A JSON value, pretty-printed in a <pre>.
export function jsonBlock(value, cls = 'json') {
  return el('pre', { class: cls }, value === undefined ? '—' : JSON.stringify(value, null, 2));
}

export function statusBadge(status) {
  const s = String(status || '').toLowerCase();
  return el('span', { class: `badge status-${s}`, 'data-status': s }, status);
}

export function errorBox(err) {
  return el('p', { class: 'error' }, err instanceof ApiError ? `${err.status}: ${err.message}` : String(err));
}

// --- Routing ---------------------------------------------------------------------------------

const routes = [
  [/^\/(executions)?$/, executions, 'executions'],
  [/^\/executions\/([^/]+)$/, execution, 'executions'],
  [/^\/definitions$/, definitions, 'definitions'],
  [/^\/definitions\/([^/]+)(?:\/(\d+))?$/, definitions, 'definitions'],
  [/^\/queues$/, queues, 'queues'],
];

let stopPage = null;

async function renderRoute() {
  if (stopPage) { stopPage(); stopPage = null; }
  const view = document.getElementById('view');
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  for (const [pattern, page, nav] of routes) {
    const m = path.match(pattern);
    if (!m) continue;
    for (const a of document.querySelectorAll('[data-nav]')) {
      a.classList.toggle('active', a.dataset.nav === nav);
    }
    const params = m.slice(1).filter((x) => x !== undefined).map(decodeURIComponent);
    view.replaceChildren();
    try {
      stopPage = (await page.render(view, params, query)) || null;
    } catch (err) {
      view.replaceChildren(errorBox(err));
    }
    return;
  }
  view.replaceChildren(el('p', { class: 'error' }, `No page at ${path}`));
}

// Goes to `href` inside the app (pushState), or replaces the current entry.
export function navigate(href, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  document.getElementById('flash').textContent = '';
  document.getElementById('flash').className = '';
  renderRoute();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', renderRoute);
document.getElementById('token-button').addEventListener('click', async () => {
  if (await askToken()) renderRoute();
});
renderRoute();
