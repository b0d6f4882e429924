// A visit with no signal, on a phone: en route, a checklist tick, a photo,
// the customer's signature and the completion with a device swap, on a job
// type that requires the signature. Each shows at once and waits on the
// phone; when the signal returns they reach the server in order (the
// signature before the completion that needs it), once each.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

import { baseUrl, launch, screenshotDir, viewports } from "./browser.mjs";
import { gigafibre, gradientPng, linkIn, phoneOf, scribble } from "./visit.mjs";

// A member of staff of this test's own: sign-in links are limited per address.
const staffEmail = "visit@gigafibre.demo";

let browser;
before(async () => {
  browser = await launch();
  mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
});

/** A technician's phone and a job of theirs not started yet, whose type
 *  wants a signature, with a device to swap for one in the van. */
async function visitWithSignatureAndSwap() {
  // From the middle: the other tests open links for the first and the last technicians.
  const all = JSON.parse(gigafibre("tech", "list", "--json")).filter((t) => t.active);
  const middle = Math.floor(all.length / 2);
  for (const technician of [...all.slice(middle), ...all.slice(0, middle)]) {
    const phone = await phoneOf(browser, technician.id);
    const jobs = await phone.page.$$eval(".job-card", (cards) =>
      cards.filter((card) => card.querySelector(".job-actions")?.dataset.status === "scheduled").map((card) => card.id.replace("job-", "")),
    );
    for (const job of jobs) {
      await phone.page.goto(`${baseUrl}/j/job/${job}`);
      const count = (selector) => phone.page.locator(selector).count();
      if ((await count("[data-pad]")) > 0 && (await count("input[name=removed]")) > 0 && (await count("input[name=installed]")) > 0) {
        return { ...phone, job };
      }
    }
    await phone.context.close();
  }
  assert.fail("a technician has a job to start today that wants a signature and has a device to swap");
}

test("offline, a tick, a photo, a signature and a swap wait on the phone, then reach the server once each, in order", async () => {
  const { context, page, job } = await visitWithSignatureAndSwap();

  // The app is installed: it holds today's pages and the files they load.
  await page.goto(`${baseUrl}/j`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(async (id) => Boolean(await caches.match(`/j/job/${id}`)), job);

  await context.setOffline(true);
  await page.goto(`${baseUrl}/j/job/${job}`);
  await page.click("[data-queue-status=en_route]");
  await page.waitForSelector("text=1 action en attente de synchronisation");

  await page.click(".check-line >> nth=0");
  assert.ok(await page.isChecked("[data-checklist='0']"), "the tick shows at once");
  await page.waitForSelector(".check-lines li:first-child [data-state]:has-text(\"En attente d'envoi\")");

  await page.setInputFiles("[data-photo]", { name: "compteur.png", mimeType: "image/png", buffer: gradientPng(120, 90) });
  const thumb = page.locator("[data-thumbs] img");
  await thumb.waitFor();
  assert.match(await thumb.getAttribute("src"), /^blob:/, "the photo shows from the phone");
  assert.ok(await thumb.evaluate((img) => img.decode().then(() => img.naturalWidth > 0)), "its thumbnail is drawn");

  await scribble(page);
  await page.fill("#signer-name", "Gaston Lapointe");
  await page.click("button:has-text('Enregistrer la signature')");
  await page.waitForSelector("[data-signature-kept]:has-text('Gaston Lapointe')");
  assert.match(await page.getAttribute("[data-signature-image]", "src"), /^data:image\/png/, "the drawn signature shows");

  const removed = await page.getAttribute("input[name=removed] >> nth=0", "value");
  const installed = await page.getAttribute("input[name=installed] >> nth=0", "value");
  await page.fill("#note", "Routeur remplacé, signé par le client.");
  await page.check(`input[name=removed][value="${removed}"]`);
  await page.check(`input[name=defective][value="${removed}"]`);
  await page.check(`input[name=installed][value="${installed}"]`);
  await page.click("#completion button[type=submit]");
  await page.waitForSelector("text=5 actions en attente de synchronisation");
  assert.equal(await page.textContent(".job-status"), "Terminée");

  // The phone restarts the page with no signal: what waits is still shown.
  await page.reload();
  await page.waitForSelector("text=5 actions en attente de synchronisation");
  await page.waitForSelector("[data-thumbs] img[src^='blob:']");
  assert.ok(await page.isChecked("[data-checklist='0']"), "the waiting tick");
  assert.match(await page.textContent("[data-signature-kept]"), /Gaston Lapointe/, "the waiting signature");
  await page.screenshot({ path: `${screenshotDir}/onsite-offline-waiting-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: `${screenshotDir}/onsite-offline-waiting-laptop.png` });
  await page.setViewportSize(viewports.phone);

  await context.setOffline(false);
  await page.waitForSelector("[data-queue]", { state: "hidden" });
  assert.equal(await page.locator(".queue-problem").count(), 0, "nothing refused: the signature came first");
  await page.reload();
  assert.equal(await page.textContent(".job-status"), "Terminée", "the server has it");
  await page.screenshot({ path: `${screenshotDir}/onsite-offline-synced-phone.png`, fullPage: true });
  await context.close();

  // The ops job page: each record once.
  gigafibre("staff", "add", staffEmail, "--role", "admin");
  const ops = await browser.newContext({ viewport: viewports.laptop, locale: "fr-CA" });
  const staff = await ops.newPage();
  await staff.goto(linkIn(gigafibre("staff", "link", staffEmail)));
  await staff.click("button:has-text('Me connecter')");
  await staff.waitForURL(`${baseUrl}/ops`);
  await staff.goto(`${baseUrl}/ops/jobs/${job}`);
  assert.equal((await staff.textContent(".job-status")).trim(), "Terminée");
  assert.equal(await staff.locator(".site-checklist .check-done").count(), 1, "one line ticked");
  assert.equal(await staff.locator(".site-photos img").count(), 1, "one photo");
  assert.match(await staff.textContent(".site-signature"), /Gaston Lapointe/);
  const moved = await staff.$$eval("h3 + .table-wrap td.mono", (cells) => cells.map((c) => c.textContent.trim()));
  assert.deepEqual(moved.sort(), [installed, removed].sort(), "one movement per device");
  await staff.locator(".job-site").screenshot({ path: `${screenshotDir}/onsite-offline-ops-laptop.png` });
  await ops.close();
});
