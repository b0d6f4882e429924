// The front page as a person sees it, on a phone and on a laptop.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

import { baseUrl, launch, screenshotDir, viewports } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
  mkdirSync(screenshotDir, { recursive: true });
});
after(async () => browser?.close());

for (const [name, viewport] of Object.entries(viewports)) {
  test(`the front page reads in French, then in English after the switch (${name})`, async () => {
    const context = await browser.newContext({ viewport, locale: "fr-CA" });
    const page = await context.newPage();
    await page.goto(baseUrl);
    assert.equal(await page.getAttribute("html", "lang"), "fr");
    assert.equal(await page.textContent("h1"), "Gigafibre");
    const customers = page.locator(".figures li", { hasText: "Clients" }).locator(".figure");
    assert.equal(await customers.textContent(), "200");
    await page.screenshot({ path: `${screenshotDir}/home-fr-${name}.png`, fullPage: true });

    await page.click("text=English");
    await page.waitForURL(`${baseUrl}/`);
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.ok(await page.isVisible(".figures >> text=Customers"));
    await page.reload();
    assert.equal(await page.getAttribute("html", "lang"), "en", "the choice is remembered");
    await page.screenshot({ path: `${screenshotDir}/home-en-${name}.png`, fullPage: true });
    await context.close();
  });
}

test("an unknown address shows the not-found page with a way back", async () => {
  const context = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA" });
  const page = await context.newPage();
  const response = await page.goto(`${baseUrl}/nulle-part`);
  assert.equal(response.status(), 404);
  assert.equal(await page.textContent("h1"), "Page introuvable");
  await page.screenshot({ path: `${screenshotDir}/not-found-fr-phone.png`, fullPage: true });
  await page.click("text=Retour à l'accueil");
  await page.waitForURL(`${baseUrl}/`);
  await context.close();
});
