// Browser tests of the web UI of `weft serve` (docs/ui.md), in headless Chromium driven by
// puppeteer-core. The test starts `weft serve` on a free loopback port with a fresh store,
// fills it through the HTTP API (deploys a workflow with a parallel block, runs a remote worker
// that fails one branch's task once), then checks in the browser that:
//   - the executions list shows the executions, and filtering by status works;
//   - an execution page shows a diagram with the failed node coloured as failed, and clicking
//     that node shows the error;
//   - the retry button retries the execution, and it completes;
//   - the definitions page shows the source and starts an execution, which completes.
// Screenshots of each page are saved in the artifacts folder. Every wait is on an event or a
// condition (waitForSelector / waitForFunction / a poll of the server), never a fixed sleep.
//
// node ui_test.js --weft PATH --artifacts DIR [--chromium PATH]
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const WEFT = arg('--weft');
const ARTIFACTS = arg('--artifacts', path.join(os.tmpdir(), 'weft-ui-artifacts'));
const CHROMIUM = arg('--chromium', '/usr/bin/chromium');
const WAIT = { timeout: 60000 };

const SOURCE = `// The UI test's workflows.
task reserve, charge, notify

workflow checkout(order_id: string, amount: int = 10) {
    var stock = null
    var receipt = null
    parallel {
        stock = reserve(order: order_id)
        receipt = charge(order: order_id, amount: amount)
    }
    notify(order: order_id)
    return { stock: stock.reserved, receipt: receipt.receipt }
}

workflow waiter(name: string) {
    let go = await signal("go")
    return go
}
`;

let server = null;
let browser = null;
let base = '';
let stopWorker = false;
const stores = [];

function log(...a) { console.log('[ui_test]', ...a); }

async function call(method, p, body) {
  const res = await fetch(base + p, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  const type = res.headers.get('Content-Type') || '';
  return type.startsWith('application/json') && text ? JSON.parse(text) : text;
}

// Waits until `cond` (async) returns a truthy value, checking again after each answer.
async function until(what, cond, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function startServer() {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-ui-'));
  stores.push(store);
  server = spawn(WEFT, ['serve', '--store', store, '--listen', '127.0.0.1:0'],
                 { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((_, reject) => server.once('exit', (code) => reject(new Error(`weft serve exited with ${code}`))));
  const info = path.join(store, 'serve.json');
  // serve.json appears once the server listens; watch the folder for it.
  const ready = new Promise((resolve) => {
    const check = () => {
      try { resolve(JSON.parse(fs.readFileSync(info, 'utf8'))); return true; } catch (e) { return false; }
    };
    if (check()) return;
    const watcher = fs.watch(store, () => { if (check()) watcher.close(); });
  });
  const { url } = await Promise.race([ready, exited]);
  base = url;
  await until('health', async () => { try { return (await fetch(base + '/health')).ok; } catch (e) { return false; } });
  log('weft serve at', base);
}

// A remote worker: long-polls each task type and answers. `charge` for an order named
// "fail-..." fails terminally the first time (so the parallel block and the execution fail),
// and completes after a retry.
async function worker() {
  const failed = new Set();
  const answer = async (t) => {
    let result;
    if (t.taskType === 'charge' && t.inputData.order.startsWith('fail') && !failed.has(t.inputData.order)) {
      failed.add(t.inputData.order);
      await call('POST', `/api/tasks/${t.taskId}/log`, '"charging the card"');
      result = { status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: 'card declined: insufficient funds' };
    } else if (t.taskType === 'reserve') {
      result = { status: 'COMPLETED', outputData: { reserved: 3 } };
    } else if (t.taskType === 'charge') {
      result = { status: 'COMPLETED', outputData: { receipt: `r-${t.inputData.order}` } };
    } else {
      result = { status: 'COMPLETED', outputData: { sent: true } };
    }
    await call('POST', '/api/tasks', { taskId: t.taskId, workerId: 'ui-test-worker', ...result });
  };
  const loop = async (type) => {
    while (!stopWorker) {
      let tasks;
      try {
        tasks = await call('GET', `/api/tasks/poll/batch/${type}?count=10&timeout=500&workerid=ui-test-worker`);
      } catch (e) {
        if (stopWorker) return;
        throw e;
      }
      for (const t of tasks || []) await answer(t);
    }
  };
  await Promise.all(['reserve', 'charge', 'notify'].map(loop));
}

async function status(id) { return (await call('GET', `/api/workflow/${id}/status`)).status; }
async function awaitStatus(id, want) {
  return until(`${id} to be ${want}`, async () => (await status(id)) === want);
}

async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log('screenshot', file);
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await startServer();
  const workerDone = worker();
  await call('POST', '/api/weft/deploy?name=checkout.wf', SOURCE);
  const ok = await call('POST', '/api/workflow', { name: 'checkout', input: { order_id: 'ok-1' } });
  const bad = await call('POST', '/api/workflow', { name: 'checkout', input: { order_id: 'fail-1' } });
  const waiting = await call('POST', '/api/workflow', { name: 'waiter', input: { name: 'w' } });
  await awaitStatus(ok, 'COMPLETED');
  await awaitStatus(bad, 'FAILED');
  log('filled: completed', ok, 'failed', bad, 'running', waiting);

  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: 'new',
    userDataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'weft-ui-chromium-')),
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1366, height: 900 });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') log('console:', m.text()); });

  // 1. The list shows the executions; filtering by status works (and survives a reload).
  await page.goto(base + '/executions');
  await page.waitForFunction((n) => document.querySelectorAll('#executions tbody tr[data-id]').length === n, WAIT, 3);
  for (const id of [ok, bad, waiting]) await page.waitForSelector(`#executions tr[data-id="${id}"]`, WAIT);
  // Search answers Conductor's WorkflowSummary, whose times are ISO 8601 text: every row shows
  // a real start time and duration (the list once showed "NaN h").
  const cells = await page.evaluate(() => [...document.querySelectorAll('#executions tbody tr[data-id]')]
    .map((r) => [...r.querySelectorAll('td')].slice(3, 5).map((td) => td.textContent)));
  for (const [started, duration] of cells) {
    if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/.test(started) || !/^\d/.test(duration)) {
      throw new Error(`a row shows start "${started}" and duration "${duration}"`);
    }
  }
  await shot(page, 'executions');
  await page.select('#filter-status', 'FAILED');
  await page.waitForFunction((id) => {
    const rows = [...document.querySelectorAll('#executions tbody tr[data-id]')];
    return location.search.includes('status=FAILED') && rows.length === 1 && rows[0].dataset.id === id;
  }, WAIT, bad);
  await page.reload();
  await page.waitForFunction((id) => {
    const rows = [...document.querySelectorAll('#executions tbody tr[data-id]')];
    return rows.length === 1 && rows[0].dataset.id === id && document.querySelector('#filter-status').value === 'FAILED';
  }, WAIT, bad);
  await shot(page, 'executions-failed');
  log('list and status filter: ok');

  // 2. The failed execution's page: the diagram with the failed node coloured as failed;
  //    clicking it shows the error.
  await page.click(`#executions tr[data-id="${bad}"] a`);  // an in-page navigation (pushState)
  await page.waitForFunction((id) => location.pathname === `/executions/${id}`, WAIT, bad);
  await page.waitForSelector('#execution-status [data-status="failed"]', WAIT);
  await page.waitForSelector('#diagram[data-state]', WAIT);
  const failedNode = await page.waitForSelector('#diagram g.node[data-status="failed"][data-task="charge"]', WAIT);
  // Coloured as failed: the node's shape is drawn in the legend's failed colour, the same
  // colour as a completed node is not.
  const colours = await page.evaluate(() => {
    const fill = (g) => { const s = g && g.querySelector('polygon, ellipse, path, rect'); return s ? (s.getAttribute('fill') + '|' + s.getAttribute('stroke')) : ''; };
    return { failed: fill(document.querySelector('#diagram g.node[data-status="failed"]')),
             completed: fill(document.querySelector('#diagram g.node[data-status="completed"]')) };
  });
  if (!colours.failed || colours.failed === colours.completed) {
    throw new Error(`the failed node is not coloured apart from completed ones: ${JSON.stringify(colours)}`);
  }
  await failedNode.click();
  await page.waitForFunction(() => {
    const e = document.querySelector('#task-panel .task-error');
    return e && e.textContent.includes('card declined');
  }, WAIT);
  await page.waitForFunction(() => document.querySelector('#task-panel').textContent.includes('charging the card'), WAIT);
  await page.waitForSelector('#history li[data-type="TASK_FAILED"]', WAIT);
  await shot(page, 'execution-failed');
  log('failed execution page, diagram checked, error shown: ok');

  // 3. Retry: confirm, see the result, and the execution completes.
  await page.click('#action-retry');
  await page.waitForSelector('#confirm[open]', WAIT);
  await page.click('#confirm-ok');
  await page.waitForFunction(() => document.querySelector('#flash').textContent.includes('Retry: done'), WAIT);
  await page.waitForSelector('#execution-status [data-status="completed"]', WAIT);
  await awaitStatus(bad, 'COMPLETED');
  await page.waitForFunction(() => !document.querySelector('#diagram g.node[data-status="failed"]') ||
                                   document.querySelector('#diagram g.node[data-status="completed"][data-task="charge"]'), WAIT);
  await shot(page, 'execution-retried');
  log('retry: ok');

  // 4. Definitions: the source, and a start from the form (checked against the parameters).
  await page.goto(base + '/definitions');
  await page.waitForSelector('#definitions tr[data-workflow="checkout"]', WAIT);
  await shot(page, 'definitions');
  await page.click('#definitions tr[data-workflow="checkout"] a');
  await page.waitForFunction(() => {
    const s = document.querySelector('#source');
    return s && s.textContent.includes('workflow checkout(order_id: string, amount: int = 10)');
  }, WAIT);
  // The parameters, from the version's bytecode.
  await page.waitForFunction(() => document.querySelector('#start-form').textContent.includes('default 10'), WAIT);
  await page.waitForSelector('#diagram[data-state]', WAIT);
  // A bad input is refused in the page, naming the parameter.
  await page.$eval('#start-input', (t) => { t.value = '{"order_id": 5}'; });
  await page.click('#start-button');
  await page.waitForFunction(() => document.querySelector('#start-problems').textContent.includes('`order_id` must be string'), WAIT);
  await page.$eval('#start-input', (t) => { t.value = '{"order_id": "ok-2"}'; t.dispatchEvent(new Event('input')); });
  await shot(page, 'definition');
  await page.click('#start-button');
  await page.waitForFunction(() => /^\/executions\/[0-9A-Z]+$/.test(location.pathname), WAIT);
  const started = await page.evaluate(() => location.pathname.split('/').pop());
  await page.waitForSelector('#execution-status [data-status="completed"]', WAIT);
  const w = await call('GET', `/api/workflow/${started}`);
  if (w.workflowName !== 'checkout' || w.input.order_id !== 'ok-2' || w.output.receipt !== 'r-ok-2') {
    throw new Error(`the started execution is not the one asked for: ${JSON.stringify(w)}`);
  }
  await shot(page, 'execution-started');
  log('definition page: source shown, start ok');

  // 5. Task queues: the worker is listed with its last poll.
  await page.goto(base + '/queues');
  await page.waitForFunction(() => document.querySelector('#queues') &&
                                   document.querySelector('#queues').textContent.includes('ui-test-worker'), WAIT);
  await shot(page, 'queues');

  if (pageErrors.length) throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
  log('PASS');
}

async function cleanup() {
  stopWorker = true;
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null) {
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await gone;
  }
  for (const s of stores) fs.rmSync(s, { recursive: true, force: true });
}

process.on('exit', () => { if (server && server.exitCode === null) server.kill('SIGKILL'); });
main().then(cleanup, async (err) => {
  console.error('[ui_test] FAIL:', err && err.stack || err);
  await cleanup();
  process.exit(1);
});
