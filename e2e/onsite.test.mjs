// At the visit, on a phone: the technician ticks the checklist, takes a
// photo (and is told when a file is not one), and the customer signs on the
// screen; the ops job page then shows all three. Links come from the command
// line (as `gigafibre tech link` and `staff link` print them), so no e-mail
// is needed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

import { baseUrl, launch, screenshotDir, viewports } from "./browser.mjs";
import { gigafibre, gradientPng, linkIn, phoneOf, scribble } from "./visit.mjs";

let browser;
before(async () => {
  browser = await launch();
  mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
});

/** A technician's phone on the page of a job whose type wants a signature. */
async function jobWithSignature() {
  // From the last: other browser tests open links for the first technicians.
  const technicians = JSON.parse(gigafibre("tech", "list", "--json")).filter((t) => t.active).reverse();
  for (const technician of technicians) {
    const phone = await phoneOf(browser, technician.id);
    const jobs = await phone.page.$$eval(".job-card h2 a", (links) => links.map((a) => a.getAttribute("href")));
    for (const href of jobs) {
      await phone.page.goto(`${baseUrl}${href}`);
      if ((await phone.page.locator("[data-pad]").count()) > 0) return { ...phone, href };
    }
    await phone.context.close();
  }
  assert.fail("a technician has a job today whose type wants a signature");
}

test("a technician ticks, photographs and has the customer sign; the ops job page shows it", async () => {
  const { context, page, href } = await jobWithSignature();
  const jobId = href.split("/").pop();
  await page.screenshot({ path: `${screenshotDir}/onsite-job-phone.png`, fullPage: true });
  const line = await page.locator(".check-line").first().boundingBox();
  assert.ok(line.height >= 48, "a checklist line is a large target");

  // A tick is saved, and still there after a reload.
  await page.click(".check-line >> nth=0");
  await page.waitForSelector(".check-lines li:first-child [data-state]:has-text('Enregistré')");
  await page.reload();
  assert.ok(await page.isChecked("[data-checklist='0']"), "the tick was kept");

  // Something that is not a photo is refused with the reason; a photo shows as a thumbnail.
  await page.setInputFiles("[data-photo]", { name: "note.png", mimeType: "image/png", buffer: Buffer.from("pas une image") });
  await page.waitForSelector("[data-photo-status]:has-text('Seules les photos JPEG, PNG ou WebP')");
  await page.screenshot({ path: `${screenshotDir}/onsite-photo-refused-phone.png`, fullPage: true });
  await page.setInputFiles("[data-photo]", { name: "compteur.png", mimeType: "image/png", buffer: gradientPng(120, 90) });
  await page.waitForSelector("[data-thumbs] img");

  // Saving an empty pad or without a name says what is missing.
  await page.click("button:has-text('Enregistrer la signature')");
  await page.waitForSelector("[data-signature-status]:has-text(\"Le client n'a pas encore signé\")");
  await scribble(page);
  await page.fill("#signer-name", "Marie Tremblay");
  await page.screenshot({ path: `${screenshotDir}/onsite-signing-phone.png`, fullPage: true });
  await page.click("button:has-text('Enregistrer la signature')");
  await page.waitForSelector("[data-signature-status]:has-text('Signature enregistrée')");
  assert.ok(await page.isVisible("[data-signature-kept] img"));
  await page.reload();
  assert.match(await page.textContent("[data-signature-kept]"), /Marie Tremblay/);
  await page.screenshot({ path: `${screenshotDir}/onsite-done-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: `${screenshotDir}/onsite-done-laptop.png`, fullPage: true });
  await context.close();

  const ops = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "fr-CA" });
  const staff = await ops.newPage();
  await staff.goto(linkIn(gigafibre("staff", "link", "admin@gigafibre.demo")));
  await staff.click("button:has-text('Me connecter')");
  await staff.waitForURL(`${baseUrl}/ops`);
  await staff.goto(`${baseUrl}/ops/jobs/${jobId}`);
  assert.equal(await staff.locator(".site-checklist .check-done").count(), 1);
  assert.equal(await staff.locator(".site-photos img").count(), 1);
  const signature = await staff.locator(".site-signature img").evaluate((img) => img.complete && img.naturalWidth > 0);
  assert.ok(signature, "the signature's image loads for staff");
  await staff.locator(".job-site").screenshot({ path: `${screenshotDir}/onsite-ops-laptop.png` });
  await staff.setViewportSize(viewports.phone);
  await staff.screenshot({ path: `${screenshotDir}/onsite-ops-phone.png`, fullPage: true });
  await ops.close();
});
