// At the visit, on a phone: the technician ticks the checklist, takes a
// photo (and is told when a file is not one), and the customer signs on the
// screen; the ops job page then shows all three. Links come from the command
// line (as `gigafibre tech link` and `staff link` print them), so no e-mail
// is needed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";

import { baseUrl, launch, screenshotDir, viewports } from "./browser.mjs";

/** A small PNG with a colour gradient, as a camera's photo stands in for. */
function gradientPng(width, height) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(40 + x, 120 + y, 220 - x);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const pixels = deflateSync(Buffer.from(rows));
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", pixels), chunk("IEND", Buffer.alloc(0))]);
}

let browser;
before(async () => {
  browser = await launch();
  mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
});

/** Runs the `gigafibre` command line on the server's database; what it printed. */
function gigafibre(...args) {
  const bin = process.env.GIGAFIBRE_E2E_BIN;
  const database = process.env.GIGAFIBRE_E2E_DATABASE_URL;
  assert.ok(bin && database, "GIGAFIBRE_E2E_BIN and GIGAFIBRE_E2E_DATABASE_URL (set by .ci/browser)");
  const dir = mkdtempSync(join(tmpdir(), "gigafibre-e2e-"));
  const env = { ...process.env, DATABASE_URL: database, GIGAFIBRE_DATA_DIR: join(dir, "data") };
  return execFileSync(bin, args, { cwd: dir, env, encoding: "utf8" });
}

/** The first link in what the command printed, on the test server. */
function linkIn(printed) {
  return printed.match(/https?:\/\/\S+/)[0].replace(/^https?:\/\/[^/]+/, baseUrl);
}

/** A phone signed in with the technician's day link; null when the day is empty. */
async function phoneOf(technicianId) {
  const context = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA", hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.goto(linkIn(gigafibre("tech", "link", String(technicianId))));
  await page.click("button:has-text(\"Ouvrir l'application\")");
  await page.waitForURL(`${baseUrl}/j`);
  return { context, page };
}

/** A technician's phone on the page of a job whose type wants a signature. */
async function jobWithSignature() {
  // From the last: other browser tests open links for the first technicians.
  const technicians = JSON.parse(gigafibre("tech", "list", "--json")).filter((t) => t.active).reverse();
  for (const technician of technicians) {
    const phone = await phoneOf(technician.id);
    const jobs = await phone.page.$$eval(".job-card h2 a", (links) => links.map((a) => a.getAttribute("href")));
    for (const href of jobs) {
      await phone.page.goto(`${baseUrl}${href}`);
      if ((await phone.page.locator("[data-pad]").count()) > 0) return { ...phone, href };
    }
    await phone.context.close();
  }
  assert.fail("a technician has a job today whose type wants a signature");
}

/** Draws a short scribble on the pad with pointer events. */
async function scribble(page) {
  await page.locator("[data-pad]").scrollIntoViewIfNeeded();
  const box = await page.locator("[data-pad]").boundingBox();
  await page.mouse.move(box.x + 30, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let step = 1; step <= 12; step++) {
    await page.mouse.move(box.x + 30 + step * 20, box.y + box.height * (step % 2 ? 0.3 : 0.7));
  }
  await page.mouse.up();
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
