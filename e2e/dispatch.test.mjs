// A dispatcher at the board: drags a waiting job onto a qualified
// technician's row and sees it saved; drags one onto a technician without
// the skill and sees it refused with the reason and snapped back. Also the
// board and map at laptop and phone widths.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

import { baseUrl, launch, screenshotDir, signInStaff, viewports } from "./browser.mjs";
import { smtpSink } from "./fakes.mjs";

const mail = smtpSink(Number(process.env.GIGAFIBRE_E2E_SMTP_PORT ?? 2525));
const wide = { width: 1280, height: 900 };

let browser;
let dispatcherState;
before(async () => {
  browser = await launch();
  mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
  mail.close();
});

/** The dispatcher signs in once by e-mailed link; each test opens its own window. */
async function asDispatcher(viewport) {
  if (!dispatcherState) {
    const context = await browser.newContext({ viewport: wide, locale: "fr-CA" });
    const page = await context.newPage();
    await signInStaff(page, mail, "dispatch@gigafibre.demo");
    dispatcherState = await context.storageState();
    await context.close();
  }
  const context = await browser.newContext({ viewport, locale: "fr-CA", storageState: dispatcherState });
  return { context, page: await context.newPage() };
}

/**
 * On the board shown, a waiting job with a window, a technician who holds
 * its skills and is free at the window's opening, and one who lacks them.
 */
function pickMoves() {
  const parse = (text) =>
    Object.fromEntries((text || "").split(",").filter(Boolean).map((pair) => pair.split(":").map(Number)));
  const board = document.getElementById("board-live");
  const axisStart = Number(board.dataset.axisStart);
  const ppm = Number(board.dataset.ppm);
  const lanes = Array.from(document.querySelectorAll(".lane"));
  for (const job of document.querySelectorAll(".waiting-list .job")) {
    const needs = parse(job.dataset.needs);
    const start = Math.ceil(Number(job.dataset.windowStart) / 15) * 15;
    const end = start + Number(job.dataset.duration);
    if (Number(job.dataset.windowEnd) >= 24 * 60) continue;
    const holds = (lane) => {
      const held = parse(lane.dataset.skills);
      return Object.entries(needs).every(([skill, level]) => (held[skill] ?? 0) >= level);
    };
    const free = (lane) =>
      Number(lane.dataset.shiftStart) <= start && Number(lane.dataset.shiftEnd) >= end &&
      Array.from(lane.querySelectorAll(".job[data-start]")).every(
        (block) => Number(block.dataset.end) <= start || Number(block.dataset.start) >= end,
      );
    const good = lanes.find((lane) => holds(lane) && free(lane));
    const bad = lanes.find((lane) => !holds(lane) && free(lane));
    if (good && bad) {
      return {
        job: job.dataset.job,
        good: good.dataset.technician,
        bad: bad.dataset.technician,
        badName: bad.dataset.name,
        x: (start - axisStart) * ppm + 2,
      };
    }
  }
  return null;
}

/** The board of the first day from today with a job that can be moved both ways. */
async function boardWithMoves(page) {
  await page.goto(`${baseUrl}/ops/dispatch`);
  for (let day = 0; day < 5; day++) {
    const moves = await page.evaluate(pickMoves);
    if (moves) return moves;
    await page.click("a[rel=next]");
    await page.waitForLoadState("load");
  }
  throw new Error("no day of the demo has a job to drag");
}

/** Drags the waiting job onto a technician's row at the window's opening, as a hand does. */
async function dragOnto(page, moves, technician) {
  const source = page.locator(`.waiting-list [data-job="${moves.job}"]`);
  await source.scrollIntoViewIfNeeded();
  // The row well inside the board, clear of the sticky names and time axis.
  await page.evaluate(
    ({ x, technician }) => {
      const scroll = document.querySelector(".board-scroll");
      const row = document.querySelector(`.board-row[data-technician="${technician}"]`);
      scroll.scrollTop = Math.max(0, row.offsetTop - 80);
      scroll.scrollLeft = Math.max(0, x - 250);
    },
    { x: moves.x, technician },
  );
  const from = await source.boundingBox();
  const lane = await page.locator(`.lane[data-technician="${technician}"]`).boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(lane.x + moves.x, lane.y + 14, { steps: 8 });
  await page.mouse.up();
}

test("a job dragged onto a technician without the skill is refused and snaps back; onto a qualified one it is saved", async () => {
  const { context, page } = await asDispatcher(wide);
  const moves = await boardWithMoves(page);

  await dragOnto(page, moves, moves.bad);
  const toast = page.locator("#dispatch-toast");
  await toast.waitFor({ state: "visible" });
  assert.match(await toast.textContent(), /n'a pas la compétence/);
  assert.equal(await page.locator(`.waiting-list [data-job="${moves.job}"]`).count(), 1, "snapped back to the waiting column");
  assert.equal(await page.locator(`.lane [data-job="${moves.job}"]`).count(), 0);
  await page.screenshot({ path: `${screenshotDir}/dispatch-refused-laptop.png` });

  // Accepted, the board is redrawn from the server (a feed request for any change).
  const redrawn = page.waitForResponse((response) => response.url().endsWith("&digest=") && response.status() === 200);
  await dragOnto(page, moves, moves.good);
  await redrawn;
  assert.equal(await page.locator("#dispatch-toast").isVisible(), false, "no reason shown");
  await page.reload();
  assert.equal(
    await page.locator(`.lane[data-technician="${moves.good}"] [data-job="${moves.job}"]`).count(),
    1,
    "still there after a reload: saved",
  );
  await page.screenshot({ path: `${screenshotDir}/dispatch-board-laptop.png` });
  await context.close();
});

test("the board and map read on a phone", async () => {
  const { context, page } = await asDispatcher(viewports.phone);
  await page.goto(`${baseUrl}/ops/dispatch`);
  await page.locator(".lane").first().waitFor();
  assert.ok((await page.locator(".lane").count()) > 0, "the technicians have their rows");
  assert.ok(await page.isVisible("#dispatch-map"));
  assert.ok(await page.locator("[data-job-marker]").count() > 0, "the day's jobs are on the map");
  await page.screenshot({ path: `${screenshotDir}/dispatch-board-phone.png`, fullPage: true });
  await context.close();
});
