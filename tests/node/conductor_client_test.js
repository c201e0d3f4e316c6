// Conductor's own JS client (@io-orkes/conductor-javascript 4.0.0, pinned in package.json)
// against `weft serve`: the "real client" test. It starts `weft serve` on a free
// loopback port (`--listen 127.0.0.1:0`, the URL read back from STORE/serve.json), then, through
// the client only:
//   1. registers TaskDefs and a two-task WorkflowDef (MetadataClient), runs workers with
//      TaskManager (batch poll + update-v2), starts the workflow (WorkflowExecutor), waits for
//      it and checks its output;
//   2. does the same with a WorkflowDef with SWITCH, FORK_JOIN + JOIN and DO_WHILE;
//   3. and with FORK_JOIN_DYNAMIC + JOIN, built with the client's dynamicForkTask.
// It always stops the server, also on failure. Usage: node conductor_client_test.js WEFT_BINARY
"use strict";

const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const {
  createConductorClient,
  dynamicForkTask,
  MetadataClient,
  TaskManager,
  WorkflowExecutor,
} = require("@io-orkes/conductor-javascript");

const weft = process.argv[2];
if (!weft) {
  console.error("usage: node conductor_client_test.js WEFT_BINARY");
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `check` (every 20 ms) until it gives a value other than undefined, or fails after
// `timeoutMs`.
async function until(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// Starts `weft serve` on a free port; resolves to {url, stop}.
async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-node-"));
  const store = path.join(dir, "store");
  const server = spawn(weft, ["serve", "--store", store, "--listen", "127.0.0.1:0"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  let exited = false;
  server.on("exit", () => (exited = true));
  const stop = async () => {
    if (!exited) {
      server.kill("SIGTERM");
      await until("the server to stop", () => (exited ? true : undefined), 15000).catch(() =>
        server.kill("SIGKILL"),
      );
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", () => {
    if (!exited) server.kill("SIGKILL");
  });
  try {
    const url = await until("serve.json", () => {
      if (exited) throw new Error("weft serve exited before it was ready");
      try {
        return JSON.parse(fs.readFileSync(path.join(store, "serve.json"), "utf8")).url;
      } catch {
        return undefined;
      }
    });
    await until("/health", async () => {
      try {
        return (await fetch(`${url}/health`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    });
    return { url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// The workers: each one's calls are counted so that the test can check who ran.
const calls = {};
function worker(name, fn) {
  calls[name] = 0;
  return {
    taskDefName: name,
    execute: async (task) => {
      calls[name] += 1;
      return { status: "COMPLETED", outputData: fn(task.inputData || {}) };
    },
  };
}
const workers = [
  worker("js_double", (input) => ({ n2: input.n * 2 })),
  worker("js_add", (input) => ({ sum: input.a + input.b })),
  worker("js_label", (input) => ({ label: `kind ${input.kind}` })),
  worker("js_plan", (input) => ({
    tasks: [
      { name: "js_double", taskReferenceName: "dyn_double", type: "SIMPLE" },
      { name: "js_add", taskReferenceName: "dyn_add", type: "SIMPLE" },
    ],
    inputs: { dyn_double: { n: input.n }, dyn_add: { a: input.n, b: 2 } },
  })),
];

const taskDefs = [
  { name: "js_double", retryCount: 2, retryDelaySeconds: 0, responseTimeoutSeconds: 30,
    timeoutSeconds: 60, inputKeys: ["n"], ownerEmail: "test@example.com" },
  { name: "js_add", retryCount: 0, responseTimeoutSeconds: 30, inputKeys: ["a", "b"],
    ownerEmail: "test@example.com" },
  { name: "js_label", ownerEmail: "test@example.com" },
  { name: "js_plan", ownerEmail: "test@example.com" },
];

// FORK_JOIN_DYNAMIC (the client's own builder) + JOIN: the tasks come from js_plan's output.
const dynamicFork = {
  name: "js_dynamic_fork",
  version: 1,
  schemaVersion: 2,
  inputParameters: ["n"],
  tasks: [
    { name: "js_plan", taskReferenceName: "plan_ref", type: "SIMPLE",
      inputParameters: { n: "${workflow.input.n}" } },
    dynamicForkTask("fan_ref", "${plan_ref.output.tasks}", "${plan_ref.output.inputs}"),
    { name: "join", taskReferenceName: "join_ref", type: "JOIN" },
  ],
  outputParameters: { joined: "${join_ref.output}" },
  ownerEmail: "test@example.com",
};

const twoTasks = {
  name: "js_two_tasks",
  version: 1,
  schemaVersion: 2,
  inputParameters: ["n"],
  tasks: [
    { name: "js_double", taskReferenceName: "double_ref", type: "SIMPLE",
      inputParameters: { n: "${workflow.input.n}" } },
    { name: "js_add", taskReferenceName: "add_ref", type: "SIMPLE",
      inputParameters: { a: "${double_ref.output.n2}", b: 1 } },
  ],
  outputParameters: { result: "${add_ref.output.sum}" },
  ownerEmail: "test@example.com",
};

const controlFlow = {
  name: "js_control_flow",
  version: 2,
  schemaVersion: 2,
  inputParameters: ["kind", "n"],
  tasks: [
    { name: "switch", taskReferenceName: "switch_ref", type: "SWITCH",
      evaluatorType: "value-param", expression: "kind",
      inputParameters: { kind: "${workflow.input.kind}" },
      decisionCases: {
        big: [{ name: "js_double", taskReferenceName: "big_ref", type: "SIMPLE",
                inputParameters: { n: "${workflow.input.n}" } }],
      },
      defaultCase: [{ name: "js_add", taskReferenceName: "small_ref", type: "SIMPLE",
                      inputParameters: { a: "${workflow.input.n}", b: 100 } }] },
    { name: "fork", taskReferenceName: "fork_ref", type: "FORK_JOIN",
      forkTasks: [
        [{ name: "js_double", taskReferenceName: "left_ref", type: "SIMPLE",
           inputParameters: { n: 5 } }],
        [{ name: "js_label", taskReferenceName: "right_ref", type: "SIMPLE",
           inputParameters: { kind: "${workflow.input.kind}" } }],
      ] },
    { name: "join", taskReferenceName: "join_ref", type: "JOIN",
      joinOn: ["left_ref", "right_ref"] },
    { name: "loop", taskReferenceName: "loop_ref", type: "DO_WHILE",
      inputParameters: { times: 3 },
      loopCondition: "if ($.loop_ref['iteration'] < $.times) { true; } else { false; }",
      loopOver: [{ name: "js_add", taskReferenceName: "step_ref", type: "SIMPLE",
                   inputParameters: { a: "${loop_ref.output.iteration}", b: 10 } }] },
  ],
  outputParameters: {
    big: "${big_ref.output.n2}",
    small: "${small_ref.output.sum}",
    left: "${left_ref.output.n2}",
    right: "${right_ref.output.label}",
    iterations: "${loop_ref.output.iteration}",
    lastStep: "${step_ref.output.sum}",
  },
  ownerEmail: "test@example.com",
};

async function runToEnd(executor, request) {
  const id = await executor.startWorkflow(request);
  assert.equal(typeof id, "string");
  const wf = await until(`workflow ${id} to end`, async () => {
    const w = await executor.getWorkflow(id, true);
    return w.status === "RUNNING" ? undefined : w;
  });
  assert.equal(wf.status, "COMPLETED", JSON.stringify(wf));
  assert.equal(wf.workflowId, id);
  return wf;
}

async function main() {
  const { url, stop } = await startServer();
  let manager;
  try {
    const client = await createConductorClient({ serverUrl: url });
    const metadata = new MetadataClient(client);
    const executor = new WorkflowExecutor(client);

    // Task definitions: registered, read back with Conductor's defaults.
    await metadata.registerTasks(taskDefs);
    const double = await metadata.getTask("js_double");
    assert.equal(double.name, "js_double");
    assert.equal(double.retryCount, 2);
    assert.equal(double.retryLogic, "FIXED");
    const all = await metadata.getAllTaskDefs();
    assert.deepEqual(all.map((t) => t.name).sort(), ["js_add", "js_double", "js_label", "js_plan"]);
    await metadata.updateTask({ ...taskDefs[2], description: "labels" });
    assert.equal((await metadata.getTask("js_label")).description, "labels");

    // 1. The two-task WorkflowDef.
    await metadata.registerWorkflowDef(twoTasks);
    const stored = await metadata.getWorkflowDef("js_two_tasks", 1);
    assert.equal(stored.name, "js_two_tasks");
    assert.equal(stored.version, 1);
    assert.deepEqual(stored.tasks, twoTasks.tasks);
    // Registering the same version again without overwrite is a conflict...
    await assert.rejects(metadata.registerWorkflowDef({ ...twoTasks, description: "changed" }));
    // ...and the same definition with overwrite is fine.
    await metadata.registerWorkflowDef(twoTasks, true);

    manager = new TaskManager(client, workers, {
      options: { pollInterval: 10, concurrency: 4, batchPollingTimeout: 1000 },
      logger: { info() {}, debug() {}, error: (...a) => console.error(...a) },
    });
    manager.startPolling();

    const two = await runToEnd(executor, { name: "js_two_tasks", version: 1, input: { n: 20 } });
    assert.deepEqual(two.output, { result: 41 });
    assert.equal(two.tasks.length, 2);
    assert.ok(two.tasks.every((t) => t.status === "COMPLETED"), JSON.stringify(two.tasks));
    assert.equal(calls.js_double, 1);
    assert.equal(calls.js_add, 1);

    // 2. SWITCH, FORK_JOIN + JOIN, DO_WHILE.
    await metadata.registerWorkflowDef(controlFlow);
    const big = await runToEnd(executor, { name: "js_control_flow", input: { kind: "big", n: 4 } });
    assert.deepEqual(big.output, {
      big: 8, small: null, left: 10, right: "kind big", iterations: 3, lastStep: 13,
    });
    const small = await runToEnd(executor, {
      name: "js_control_flow", version: 2, input: { kind: "other", n: 4 },
    });
    assert.deepEqual(small.output, {
      big: null, small: 104, left: 10, right: "kind other", iterations: 3, lastStep: 13,
    });

    // 3. FORK_JOIN_DYNAMIC + JOIN.
    await metadata.registerWorkflowDef(dynamicFork);
    const dyn = await runToEnd(executor, { name: "js_dynamic_fork", input: { n: 3 } });
    assert.deepEqual(dyn.output, { joined: { dyn_double: { n2: 6 }, dyn_add: { sum: 5 } } });

    const defs = await metadata.getAllWorkflowDefs();
    assert.deepEqual(defs.map((d) => `${d.name}:${d.version}`).sort(),
                     ["js_control_flow:2", "js_dynamic_fork:1", "js_two_tasks:1"]);
    await metadata.unregisterWorkflow("js_two_tasks", 1);
    await assert.rejects(metadata.getWorkflowDef("js_two_tasks", 1));
    await metadata.unregisterTask("js_label");
    await assert.rejects(metadata.getTask("js_label"));
    console.log("conductor_client_test: OK");
  } finally {
    if (manager) await manager.stopPolling();
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error("conductor_client_test: FAILED:", e);
    process.exit(1);
  },
);
