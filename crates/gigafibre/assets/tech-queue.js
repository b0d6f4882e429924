// The tech app's offline queue, the one way it writes to the server. Every
// change a technician makes (a status, a completion, a checklist tick, a
// photo, a signature) becomes an action {method, url, contentType, body}
// with its own idempotency key, kept in IndexedDB (a photo's body is its
// Blob) and shown on the page at once; the actions are sent to the API in
// the order they were made, when the network allows, again and again until
// the server answers. An answer that applied it (or a replay of one)
// removes it; a refusal is kept and shown with the server's words until the
// technician dismisses it. Nothing is ever dropped silently. The page hears
// of each outcome through the events "tech-queue:applied" (detail: the
// action and the server's JSON answer) and "tech-queue:refused".

const DB = "gigafibre-tech";
const STORE = "actions";
const RETRY_EVERY_MS = 5000;
const LONGEST_WAIT_MS = 60000;

const banner = document.querySelector("[data-queue]");

// ---- storage ----------------------------------------------------------

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Runs `work` on the store in one transaction; resolves with its request's result. */
async function withStore(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request?.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** Every action kept, oldest first. */
async function actions() {
  const all = (await withStore("readonly", (store) => store.getAll())) ?? [];
  return all.sort((a, b) => a.seq - b.seq);
}

const save = (action) => withStore("readwrite", (store) => store.put(action));
const forget = (key) => withStore("readwrite", (store) => store.delete(key));

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

let lastSeq = 0;
function nextSeq() {
  lastSeq = Math.max(Date.now(), lastSeq + 1);
  return lastSeq;
}

// ---- what the page shows ----------------------------------------------

/** Shows or hides each part of a job's block that depends on its status. */
function reflect(root) {
  const status = root.dataset.status;
  for (const part of [root, ...root.querySelectorAll("[data-when]")]) {
    if (part.dataset.when) part.hidden = !part.dataset.when.split(" ").includes(status);
  }
}

/** Shows a job as `status` leaves it. */
function showStatus(job, status, label) {
  for (const block of document.querySelectorAll(`[data-job="${job}"]`)) {
    block.dataset.status = status;
    reflect(block);
  }
  const chip = document.querySelector(`#job-${job} .job-status`);
  if (chip && label) chip.textContent = label;
}

/** The status each job had when the page was drawn, or that the server
 *  confirmed since: what a refused action falls back to. */
const confirmed = new Map();

function remember(block) {
  const job = block.dataset.job;
  if (confirmed.has(job)) return;
  const chip = document.querySelector(`#job-${job} .job-status`);
  confirmed.set(job, { status: block.dataset.status, label: chip?.textContent });
}

/** Shows every job as the server has it, then as the waiting actions will leave it. */
async function showJobs() {
  const shown = new Map(confirmed);
  for (const action of await actions()) {
    if (action.state === "waiting" && action.status) shown.set(String(action.job), { status: action.status, label: action.statusLabel });
  }
  for (const [job, { status, label }] of shown) showStatus(job, status, label);
}

let signedOut = false;

async function render() {
  if (!banner) return;
  const kept = await actions();
  const waiting = kept.filter((a) => a.state === "waiting");
  const refused = kept.filter((a) => a.state === "refused");
  const count = banner.querySelector("[data-queue-count]");
  const words = waiting.length === 1 ? banner.dataset.one : banner.dataset.many.replace("{n}", waiting.length);
  count.textContent = waiting.length === 0 ? "" : signedOut ? `${words}. ${banner.dataset.signedOut}` : words;
  count.hidden = waiting.length === 0;
  const list = banner.querySelector("[data-queue-problems]");
  list.replaceChildren(...refused.map(problemItem));
  banner.hidden = waiting.length === 0 && refused.length === 0;
}

function problemItem(action) {
  const item = document.createElement("li");
  item.className = "queue-problem";
  const title = document.createElement("strong");
  title.textContent = `${banner.dataset.refused} — ${action.title}`;
  const detail = document.createElement("p");
  detail.textContent = action.problem;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "button big secondary";
  dismiss.textContent = banner.dataset.dismiss;
  dismiss.addEventListener("click", async () => {
    await forget(action.key);
    await render();
  });
  item.append(title, detail, dismiss);
  return item;
}

// ---- sending ----------------------------------------------------------

let draining = false;
let drainAgain = false;

/** Sends the waiting actions in order; stops at the first that cannot go yet. */
async function sendAll(now) {
  for (const action of await actions()) {
    if (action.state !== "waiting") continue;
    if (!now && action.nextTry > Date.now()) return;
    const outcome = await send(action);
    if (outcome === "later") return;
  }
}

async function send(action) {
  let response;
  try {
    response = await fetch(action.url, {
      // Actions kept before they named a method were JSON POSTs.
      method: action.method ?? "POST",
      credentials: "same-origin",
      headers: {
        "content-type": action.contentType ?? "application/json",
        "idempotency-key": action.key,
        accept: "application/json",
      },
      body: action.body,
    });
  } catch {
    await later(action);
    return "later";
  }
  signedOut = response.status === 401;
  if (response.ok) {
    if (action.status) confirmed.set(String(action.job), { status: action.status, label: action.statusLabel });
    await forget(action.key);
    const answer = await response.json().catch(() => ({}));
    tell("tech-queue:applied", { action, answer });
    return "done";
  }
  if (signedOut || response.status === 408 || response.status === 429 || response.status >= 500) {
    await later(action);
    return "later";
  }
  const problem = await response.json().catch(() => ({}));
  action.state = "refused";
  action.problem = problem.detail ?? problem.title ?? String(response.status);
  await save(action);
  tell("tech-queue:refused", { action });
  return "refused";
}

const tell = (name, detail) => window.dispatchEvent(new CustomEvent(name, { detail }));

/** Waits longer after each failure, up to a minute. */
async function later(action) {
  action.tries = (action.tries ?? 0) + 1;
  action.nextTry = Date.now() + Math.min(1000 * 2 ** action.tries, LONGEST_WAIT_MS);
  await save(action);
}

/** Sends what waits; `now` skips the back-off (the network just came back). */
async function drain(now = false) {
  if (draining) {
    // An action kept during a run is sent right after it, not at the next tick.
    drainAgain = drainAgain || now;
    return;
  }
  draining = true;
  try {
    const run = () => sendAll(now);
    // One tab at a time sends, where the browser can tell the tabs apart.
    if (navigator.locks) await navigator.locks.request("gigafibre-tech-queue", { ifAvailable: true }, (lock) => lock && run());
    else await run();
  } catch {
    // Storage unavailable for a moment: the timer tries again.
  } finally {
    draining = false;
    await showJobs().catch(() => {});
    await render().catch(() => {});
  }
  if (drainAgain) {
    drainAgain = false;
    await drain(true);
  }
}

/**
 * Keeps a new action, shows it, and tries to send it. `body` is a string or a Blob sent as `contentType`;
 * `status` (with its `statusLabel`) is how the job is shown while the
 * action waits; `about` is whatever the page needs to show it again;
 * `show(action)` shows it on the page, called once it is kept and before
 * any answer to it can arrive.
 */
export async function enqueue({
  job,
  method = "POST",
  url,
  contentType = "application/json",
  body,
  status,
  statusLabel,
  title,
  about,
  show,
}) {
  const action = {
    key: newKey(),
    seq: nextSeq(),
    job: Number(job),
    method,
    url,
    contentType,
    body,
    status,
    statusLabel,
    title,
    about,
    state: "waiting",
    tries: 0,
    nextTry: 0,
  };
  await save(action);
  show?.(action);
  if (status) showStatus(job, status, statusLabel);
  await render();
  drain(true);
}

/** The actions of a job still waiting to be sent, oldest first. */
export async function waitingFor(job) {
  return (await actions()).filter((a) => a.state === "waiting" && a.job === Number(job));
}

// ---- the page's controls ------------------------------------------------

const statusUrl = (job) => `/api/v1/jobs/${job}/status`;

function wire(block) {
  const job = Number(block.dataset.job);
  const title = block.dataset.title;
  for (const button of block.querySelectorAll("[data-queue-status]")) {
    button.addEventListener("click", () =>
      enqueue({
        job,
        url: statusUrl(job),
        body: JSON.stringify({ status: button.dataset.queueStatus }),
        status: button.dataset.queueStatus,
        statusLabel: button.dataset.statusLabel,
        title: `${button.textContent.trim()} · ${title}`,
      }),
    );
  }
  const reasonForm = block.querySelector("[data-queue-reason]");
  reasonForm?.addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = reasonForm.elements.reason.value.trim();
    if (!reason) return;
    enqueue({
      job,
      url: statusUrl(job),
      body: JSON.stringify({ status: "not_completed", reason }),
      status: "not_completed",
      statusLabel: reasonForm.dataset.statusLabel,
      title,
    });
    reasonForm.reset();
  });
}

function completionBody(form) {
  const ticked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((input) => input.value);
  const defective = new Set(ticked("defective"));
  const removed = [...new Set([...ticked("removed"), ...defective])].map((serial) => ({
    serial,
    defective: defective.has(serial),
  }));
  const installed = ticked("installed");
  const other = form.elements.installed_other.value.trim();
  if (other) installed.push(other);
  return {
    note: form.elements.note.value.trim(),
    installed,
    removed,
    problem_remains: form.elements.problem_remains.checked,
  };
}

function wireCompletion(form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const job = Number(form.dataset.job);
    enqueue({
      job,
      url: `/api/v1/jobs/${job}/completion`,
      body: JSON.stringify(completionBody(form)),
      status: "done",
      statusLabel: form.dataset.statusLabel,
      title: `${form.querySelector("[type=submit]").textContent.trim()} · ${form.dataset.title}`,
    });
    form.reset();
    window.scrollTo({ top: 0 });
  });
}

async function start() {
  for (const block of document.querySelectorAll(".job-actions")) {
    remember(block);
    wire(block);
    block.hidden = false;
    reflect(block);
  }
  for (const form of document.querySelectorAll("[data-queue-completion]")) {
    remember(form);
    wireCompletion(form);
    reflect(form);
  }
  // A page read from the phone's copy shows what is still waiting to go.
  await showJobs();
  await render();
  window.addEventListener("online", () => drain(true));
  setInterval(() => drain(), RETRY_EVERY_MS);
  await drain(true);
}

if ("indexedDB" in window) start().catch(() => {});
