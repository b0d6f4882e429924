// The technician's offline queue on a phone: with no signal, "en route" and
// a completion with a device swap wait on the phone ("2 actions waiting");
// when the signal returns they reach the server once each, in order. A job
// dispatch took away meanwhile comes back as a refusal the technician reads
// and dismisses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";

import { baseUrl, launch, screenshotDir, signInStaff, viewports } from "./browser.mjs";
import { smtpSink } from "./fakes.mjs";

const mail = smtpSink(Number(process.env.GIGAFIBRE_E2E_SMTP_PORT ?? 2525));
// An administrator (dispatch and the outbox) .ci/browser adds for this test alone.
const staffEmail = "queue@gigafibre.demo";

let browser;
before(async () => {
  browser = await launch();
  mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
  mail.close();
});

/** Makes a link on the technician's team page (`href`); its address, or
 *  null for a technician no longer active (the page offers no link). */
async function makeLink(staff, href) {
  await staff.goto(`${baseUrl}${href}`);
  const make = staff.locator("#liens button:has-text('Créer le lien')");
  if ((await make.count()) === 0) return null;
  await make.click();
  await staff.waitForSelector("#made-link");
  return (await staff.inputValue("#made-link")).replace(/^https?:\/\/[^/]+/, baseUrl);
}

/** Opens a technician's link on a phone. */
async function openLink(link) {
  const context = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA", hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.goto(link);
  await page.click("button:has-text(\"Ouvrir l'application\")");
  await page.waitForURL(`${baseUrl}/j`);
  return { context, page };
}

/** A technician with two jobs to start today, one at a customer who takes
 *  texts and has a device to swap for one in the van, of a type that does
 *  not require a signature. */
async function technicianWithASwap(staff) {
  await staff.goto(`${baseUrl}/ops/equipe`);
  const technicians = await staff.$$eval("a[href^='/ops/equipe/']", (links) =>
    [...new Set(links.map((a) => a.getAttribute("href")).filter((h) => /^\/ops\/equipe\/\d+$/.test(h)))],
  );
  for (const href of technicians) {
    const link = await makeLink(staff, href);
    if (!link) continue;
    const phone = await openLink(link);
    const jobs = await phone.page.$$eval(".job-card", (cards) =>
      cards
        .filter((card) => card.querySelector(".job-actions")?.dataset.status === "scheduled")
        .map((card) => ({ id: Number(card.id.replace("job-", "")), texts: Boolean(card.querySelector("a.phone")) })),
    );
    for (const job of jobs.filter((j) => j.texts && jobs.length >= 2)) {
      await phone.page.goto(`${baseUrl}/j/job/${job.id}`);
      const removable = await phone.page.locator("input[name=removed]").count();
      const spare = await phone.page.locator("input[name=installed]").count();
      // This visit ends without the customer signing: a type that requires it would refuse the completion.
      const signs = await phone.page.locator("[data-pad]").count();
      if (removable > 0 && spare > 0 && signs === 0) {
        const other = jobs.find((j) => j.id !== job.id).id;
        return { ...phone, swapJob: job.id, otherJob: other };
      }
    }
    await phone.context.close();
  }
  throw new Error("no technician has two jobs today, one with a device to swap");
}

// Chrome DevTools' "Slow 3G": 2 s round trips, 400 kbit/s each way.
const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 };
const RUNS = 5;

/** The median time, in ms, until /j has loaded (its document, styles and scripts) on `page`. */
async function shellLoad(page, conditions) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  if (conditions) await cdp.send("Network.emulateNetworkConditions", conditions);
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(`${baseUrl}/j`, { waitUntil: "load" });
    times.push(await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd));
  }
  await cdp.detach();
  return Math.round(times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]);
}

/** Throttles the service worker's own requests too: page emulation leaves
 *  them alone. Through the browser's DevTools session, attached to the
 *  worker's target. */
async function throttleServiceWorker(conditions) {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send("Target.getTargets");
  const workers = targetInfos.filter((t) => t.type === "service_worker" && t.url.endsWith("/j/sw.js"));
  let id = 0;
  for (const worker of workers) {
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId: worker.targetId, flatten: false });
    for (const [method, params] of [["Network.enable", {}], ["Network.emulateNetworkConditions", conditions]]) {
      const message = JSON.stringify({ id: ++id, method, params });
      await cdp.send("Target.sendMessageToTarget", { sessionId, message });
    }
  }
  return { workers: workers.length, release: () => cdp.detach() };
}

/** /j on a slow 3G phone with the app installed, beside the same page on a
 *  fast network and on slow 3G without the service worker. Reported in
 *  docs/performance.md, never asserted. */
async function measureShell(context) {
  const installed = await context.newPage();
  const fast = await shellLoad(installed, null);
  const throttled = await throttleServiceWorker(SLOW_3G);
  assert.ok(throttled.workers > 0, "the service worker is running");
  const withCopy = await shellLoad(installed, SLOW_3G);
  await throttled.release();
  await installed.close();
  const bare = await browser.newContext({
    viewport: viewports.phone,
    storageState: await context.storageState(),
    serviceWorkers: "block",
  });
  const withoutCopy = await shellLoad(await bare.newPage(), SLOW_3G);
  await bare.close();
  const figures = { runs: RUNS, fast_network_ms: fast, slow_3g_installed_ms: withCopy, slow_3g_no_service_worker_ms: withoutCopy };
  writeFileSync(`${screenshotDir}/tech-shell-load.json`, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`/j shell load, median of ${RUNS}: ${JSON.stringify(figures)}`);
}

test("offline, en route and a swap wait on the phone, then reach the server once each", async () => {
  const staffContext = await browser.newContext({ viewport: viewports.laptop, locale: "fr-CA" });
  const staff = await staffContext.newPage();
  await signInStaff(staff, mail, staffEmail);
  const { context, page, swapJob, otherJob } = await technicianWithASwap(staff);

  // The app is installed and holds today's pages.
  await page.goto(`${baseUrl}/j`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(async (id) => Boolean(await caches.match(`/j/job/${id}`)), swapJob);

  await context.setOffline(true);
  await page.click(`#job-${swapJob} [data-queue-status=en_route]`);
  await page.waitForSelector("text=1 action en attente de synchronisation");
  assert.equal(await page.textContent(`#job-${swapJob} .job-status`), "En route", "shown at once");
  await page.screenshot({ path: `${screenshotDir}/tech-queue-today-phone.png`, fullPage: true });

  await page.goto(`${baseUrl}/j/job/${swapJob}`);
  await page.waitForSelector("#completion:not([hidden])");
  assert.equal(await page.textContent(".job-status"), "En route", "the waiting action is shown on the kept page");
  const removed = await page.getAttribute("input[name=removed] >> nth=0", "value");
  const installed = await page.getAttribute("input[name=installed] >> nth=0", "value");
  await page.fill("#note", "Routeur défectueux remplacé.");
  await page.check(`input[name=removed][value="${removed}"]`);
  await page.check(`input[name=defective][value="${removed}"]`);
  await page.check(`input[name=installed][value="${installed}"]`);
  await page.screenshot({ path: `${screenshotDir}/tech-queue-completion-phone.png`, fullPage: true });
  await page.click("#completion button[type=submit]");
  await page.waitForSelector("text=2 actions en attente de synchronisation");
  assert.equal(await page.textContent(".job-status"), "Terminée");
  await page.screenshot({ path: `${screenshotDir}/tech-queue-waiting-phone.png`, fullPage: true });

  await context.setOffline(false);
  await page.waitForSelector("[data-queue]", { state: "hidden" });
  await page.goto(`${baseUrl}/j`);
  assert.equal(await page.textContent(`#job-${swapJob} .job-status`), "Terminée", "the server has it");

  // The ops app: the job done, its ticket closed, each device moved once.
  await staff.goto(`${baseUrl}/ops/jobs/${swapJob}`);
  assert.equal((await staff.textContent(".job-status")).trim(), "Terminée");
  const ticketStatus = staff.locator("dd:has(a[href^='/ops/tickets/']) .pill");
  if ((await ticketStatus.count()) > 0) assert.match(await ticketStatus.first().getAttribute("class"), /\bclosed\b/);
  const moved = await staff.$$eval("h3 + .table-wrap td.mono", (cells) => cells.map((c) => c.textContent.trim()));
  assert.deepEqual(moved.sort(), [installed, removed].sort(), "one movement per device");
  const customer = (await staff.getAttribute(".customer-name a", "href")).split("/").pop();
  await staff.goto(`${baseUrl}/ops/outbox?channel=sms&customer=${customer}`);
  const texts = await staff.$$eval("tbody tr", (rows) => rows.map((r) => r.textContent));
  assert.equal(texts.filter((t) => /est en route|is on the way/.test(t)).length, 1, "one text: on the way");

  // Meanwhile dispatch takes the other job off the day: the phone's action comes back refused.
  await context.setOffline(true);
  await page.click(`#job-${otherJob} [data-queue-status=en_route]`);
  await page.waitForSelector("text=1 action en attente de synchronisation");
  const unscheduled = await staff.evaluate(async (id) => {
    const response = await fetch(`/api/v1/jobs/${id}/status`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
      body: JSON.stringify({ status: "unscheduled" }),
    });
    return response.status;
  }, otherJob);
  assert.equal(unscheduled, 200);
  await context.setOffline(false);
  const problem = page.locator(".queue-problem");
  await problem.waitFor();
  assert.match(await problem.textContent(), /retiré de votre journée à \d+ h \d\d/);
  assert.equal(await page.textContent(`#job-${otherJob} .job-status`), "Planifiée", "the refused action is undone");
  await page.screenshot({ path: `${screenshotDir}/tech-queue-conflict-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: `${screenshotDir}/tech-queue-conflict-laptop.png` });
  await page.setViewportSize(viewports.phone);
  await page.click(".queue-problem button");
  await page.waitForSelector("[data-queue]", { state: "hidden" });
  await measureShell(context);
  await context.close();
  await staffContext.close();
});
