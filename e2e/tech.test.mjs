// The technician's day on a phone: staff make a link on the
// technician's team page, the technician opens it, sees today's jobs, types
// a code on the scan page and lands on the device's page; today's page
// opens again without network.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

import { baseUrl, launch, screenshotDir, signInStaff, viewports } from "./browser.mjs";
import { smtpSink } from "./fakes.mjs";

const mail = smtpSink(Number(process.env.GIGAFIBRE_E2E_SMTP_PORT ?? 2525));

let browser;
before(async () => {
  browser = await launch();
  mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
  mail.close();
});

/** An admin (who manages the team like a dispatcher), signed in with the e-mailed link. */
async function admin() {
  const context = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA" });
  const page = await context.newPage();
  await signInStaff(page, mail, "admin@gigafibre.demo");
  return { context, page };
}

/** Makes a link for the technician at `href` and returns its address. */
async function makeLink(page, href) {
  await page.goto(`${baseUrl}${href}`);
  await page.click("#liens button:has-text('Créer le lien')");
  await page.waitForSelector("#made-link");
  return (await page.inputValue("#made-link")).replace(/^https?:\/\/[^/]+/, baseUrl);
}

test("a technician opens the dispatcher's link, sees the day, and scans a code to a device", async () => {
  const staff = await admin();
  await staff.page.goto(`${baseUrl}/ops/equipe`);
  const technicians = await staff.page.$$eval("a[href^='/ops/equipe/']", (links) =>
    [...new Set(links.map((a) => a.getAttribute("href")).filter((h) => /^\/ops\/equipe\/\d+$/.test(h)))],
  );
  assert.ok(technicians.length > 0);
  await staff.page.goto(`${baseUrl}${technicians[0]}`);
  await staff.page.locator("#liens").screenshot({ path: `${screenshotDir}/tech-link-section-phone.png` });

  // The first technician with jobs today.
  let phone;
  for (const href of technicians) {
    const link = await makeLink(staff.page, href);
    const context = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA", hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto(link);
    assert.equal(page.url(), `${baseUrl}/j/auth`, "the token is gone from the address bar");
    if (!phone) await page.screenshot({ path: `${screenshotDir}/tech-confirm-phone.png`, fullPage: true });
    await page.click("button:has-text(\"Ouvrir l'application\")");
    await page.waitForURL(`${baseUrl}/j`);
    if ((await page.locator(".job-card").count()) > 0) {
      phone = { context, page };
      break;
    }
    await page.screenshot({ path: `${screenshotDir}/tech-today-empty-phone.png`, fullPage: true });
    await context.close();
  }
  assert.ok(phone, "a technician has jobs today");
  const { context, page } = phone;
  assert.match(await page.textContent("h1"), /Ma journée/);
  assert.ok(await page.isVisible(".job-card a.address[href^='geo:']"), "the address opens the maps app");
  await page.screenshot({ path: `${screenshotDir}/tech-today-phone.png`, fullPage: true });
  const box = await page.locator(".tech-nav a").first().boundingBox();
  assert.ok(box.height >= 44, "touch targets are big enough");

  await page.click(".job-card h2 a >> nth=0");
  await page.waitForURL(/\/j\/job\/\d+$/);
  await page.screenshot({ path: `${screenshotDir}/tech-job-phone.png`, fullPage: true });

  await page.click(".tech-nav >> text=Camion");
  await page.waitForURL(`${baseUrl}/j/van`);
  await page.screenshot({ path: `${screenshotDir}/tech-van-phone.png`, fullPage: true });
  const serial = (await page.textContent(".van-item code")).trim();

  await page.click(".tech-nav >> text=Scanner");
  await page.waitForURL(`${baseUrl}/j/scan`);
  await page.screenshot({ path: `${screenshotDir}/tech-scan-phone.png`, fullPage: true });
  await page.fill("#code", serial.toLowerCase());
  await page.click("button:has-text('Chercher')");
  await page.waitForURL(`${baseUrl}/j/device/${serial}`);
  assert.match(await page.textContent("h1"), new RegExp(serial));
  await page.screenshot({ path: `${screenshotDir}/tech-device-phone.png`, fullPage: true });

  await page.goto(`${baseUrl}/j/scan?code=NOUVEAU-0001`);
  assert.equal(await page.inputValue("#serial"), "NOUVEAU-0001", "an unknown code is offered for creation");
  await page.screenshot({ path: `${screenshotDir}/tech-scan-new-phone.png`, fullPage: true });

  // Installed: the service worker keeps today's page for a day without signal.
  await page.goto(`${baseUrl}/j`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await context.setOffline(true);
  await page.goto(`${baseUrl}/j`);
  assert.match(await page.textContent("h1"), /Ma journée/, "today opens offline");
  await context.setOffline(false);
  await context.close();

  await staff.page.goto(`${baseUrl}/ops/equipement/${serial}/etiquette`);
  assert.ok(await staff.page.isVisible(".label-qr svg"));
  await staff.page.screenshot({ path: `${screenshotDir}/tech-label-phone.png`, fullPage: true });
  await staff.context.close();
});
