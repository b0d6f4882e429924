import { launch } from "./browser.mjs";
import { plainText, smtpSink } from "./fakes.mjs";
import { existsSync, writeFileSync, readFileSync } from "node:fs";
const base = process.env.URL;
const stateFile = process.env.STATE;
const browser = await launch();
if (!existsSync(stateFile)) {
  const ctx = await browser.newContext({ locale: "fr-CA" });
  const page = await ctx.newPage();
  await page.goto(process.env.LINK.replace(/^https?:\/\/[^/]+/, base));
  await page.click("button:has-text('Me connecter')");
  await page.waitForURL(`${base}/ops`);
  writeFileSync(stateFile, JSON.stringify(await ctx.storageState()));
}
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "fr-CA", storageState: JSON.parse(readFileSync(stateFile)) });
const page = await ctx.newPage();
page.on("console", (m) => console.log("console:", m.type(), m.text()));
page.on("pageerror", (e) => console.log("pageerror:", e.message));
await page.goto(`${base}/ops/dispatch`);
console.log("dbg", await page.evaluate(() => { const d = JSON.parse(document.getElementById("board-live").dataset.map); return [d.jobs.length, d.homes.length, d.routes.length, typeof window.L]; }));
await page.waitForTimeout(1000); console.log("attr", await page.evaluate(() => [document.querySelectorAll("path[data-job-marker]").length, document.querySelectorAll("[data-job-marker]").length, Array.from(document.querySelectorAll("#dispatch-map path")).slice(-1)[0].outerHTML]));
console.log("markers", await page.locator("[data-job-marker]").count(), "paths", await page.locator("#dispatch-map path").count());
await page.screenshot({ path: "/tmp/board-shots/debug-phone.png", fullPage: true });
await browser.close();
