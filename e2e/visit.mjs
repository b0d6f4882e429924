// What the browser tests of a visit share: the command line that makes
// sign-in links without an e-mail, a phone signed in as a technician, a
// photo to take and a signature to draw.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";

import { baseUrl, viewports } from "./browser.mjs";

/** A small PNG with a colour gradient, as a camera's photo stands in for. */
export function gradientPng(width, height) {
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

/** Runs the `gigafibre` command line on the server's database; what it printed. */
export function gigafibre(...args) {
  const bin = process.env.GIGAFIBRE_E2E_BIN;
  const database = process.env.GIGAFIBRE_E2E_DATABASE_URL;
  assert.ok(bin && database, "GIGAFIBRE_E2E_BIN and GIGAFIBRE_E2E_DATABASE_URL (set by .ci/browser)");
  const dir = mkdtempSync(join(tmpdir(), "gigafibre-e2e-"));
  const env = { ...process.env, DATABASE_URL: database, GIGAFIBRE_DATA_DIR: join(dir, "data") };
  return execFileSync(bin, args, { cwd: dir, env, encoding: "utf8" });
}

/** The first link in what the command printed, on the test server. */
export function linkIn(printed) {
  return printed.match(/https?:\/\/\S+/)[0].replace(/^https?:\/\/[^/]+/, baseUrl);
}

/** A phone signed in with the technician's day link; null when the day is empty. */
export async function phoneOf(browser, technicianId) {
  const context = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA", hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.goto(linkIn(gigafibre("tech", "link", String(technicianId))));
  await page.click("button:has-text(\"Ouvrir l'application\")");
  await page.waitForURL(`${baseUrl}/j`);
  return { context, page };
}

/** Draws a short scribble on the pad with pointer events. */
export async function scribble(page) {
  await page.locator("[data-pad]").scrollIntoViewIfNeeded();
  const box = await page.locator("[data-pad]").boundingBox();
  await page.mouse.move(box.x + 30, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let step = 1; step <= 12; step++) {
    await page.mouse.move(box.x + 30 + step * 20, box.y + box.height * (step % 2 ? 0.3 : 0.7));
  }
  await page.mouse.up();
}
