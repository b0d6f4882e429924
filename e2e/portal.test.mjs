// A customer signs in to the portal without a password, on a phone: by the
// link on one device, by the code on another.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { baseUrl, launch, screenshotDir, viewports } from "./browser.mjs";
import { plainText, smsApi, smtpSink } from "./fakes.mjs";

// .ci/browser points the server's SMTP and SMS providers at these ports.
const mail = smtpSink(Number(process.env.GIGAFIBRE_E2E_SMTP_PORT ?? 2525));
const texts = smsApi(Number(process.env.GIGAFIBRE_E2E_SMS_PORT ?? 8099));

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  mail.close();
  texts.close();
});

/** Waits for the `count`-th message to reach a fake provider. */
async function delivered(list, count) {
  for (let i = 0; i < 60; i++) {
    if (list.length >= count) return list[count - 1];
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("no message arrived at the provider");
}

test("a customer signs in with the link, then with the code on another device", async () => {
  const phone = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA" });
  const page = await phone.newPage();
  await page.goto(`${baseUrl}/portal/invoices`);
  assert.match(page.url(), /\/portal\/sign-in\?next=%2Fportal%2Finvoices/, "anonymous visitors are sent to sign in");
  await page.screenshot({ path: `${screenshotDir}/portal-sign-in-phone.png`, fullPage: true });

  await page.fill("#identifier", "GF-100002");
  await page.click("text=Recevoir mon lien");
  assert.ok(await page.isVisible(".chip.ok"), "a chip says where the link went");
  await page.screenshot({ path: `${screenshotDir}/portal-link-sent-phone.png`, fullPage: true });

  const email = await delivered(mail.messages, 1);
  const sms = await delivered(texts.messages, 1);
  assert.match(email.data, /Subject: Votre lien de connexion Gigafibre/);
  assert.match(email.data, /text\/html/, "the e-mail has an HTML part with the button");
  assert.ok(sms.auth.startsWith("Basic "), "the SMS API is called with basic auth");
  const link = plainText(email.data).match(/https?:\/\/\S+\/portal\/auth\?token=[0-9a-f]{64}/)[0];
  await page.goto(link.replace(/^https?:\/\/[^/]+/, baseUrl));
  assert.equal(page.url(), `${baseUrl}/portal/auth`, "the token is gone from the address bar");
  await page.screenshot({ path: `${screenshotDir}/portal-confirm-phone.png`, fullPage: true });
  await page.click("text=Ouvrir mon compte");
  await page.waitForURL(`${baseUrl}/portal/invoices`);
  assert.ok(await page.isVisible("h1 >> text=Factures"), "back where the customer was going");
  await page.click(".portal-nav >> text=Mon compte");
  assert.match(await page.textContent("h1"), /^Bonjour/);
  await page.screenshot({ path: `${screenshotDir}/portal-dashboard-phone.png`, fullPage: true });

  // A support request, opened and answered from the phone.
  await page.click(".quick-actions >> text=Ouvrir une demande");
  await page.selectOption("#category", "wifi");
  await page.fill("#subject", "Wi-Fi faible au sous-sol");
  await page.fill("#body", "   ");
  await page.click("text=Envoyer");
  assert.ok(await page.isVisible(".field-error"), "an empty message is pointed out next to the field");
  assert.equal(await page.inputValue("#subject"), "Wi-Fi faible au sous-sol", "what was typed is kept");
  await page.fill("#body", "Le signal tombe dès que je descends.");
  await page.click("text=Envoyer");
  await page.waitForURL(/\/portal\/tickets\/\d+$/);
  await page.fill("#reply", "Même chose ce soir.");
  await page.click("text=Envoyer");
  assert.equal(await page.locator(".thread li").count(), 2);
  await page.screenshot({ path: `${screenshotDir}/portal-ticket-phone.png`, fullPage: true });

  // The code from the SMS, typed on a laptop that never saw the link.
  const laptop = await browser.newContext({ viewport: viewports.laptop, locale: "fr-CA" });
  const other = await laptop.newPage();
  await other.goto(`${baseUrl}/portal/sign-in`);
  const cell = sms.to.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, "($1) $2-$3");
  await other.fill("#identifier", cell);
  await other.click("text=Recevoir mon lien");
  const second = await delivered(texts.messages, 2);
  const code = second.body.match(/\(code (\d{6})/)[1];
  await other.fill("#code", code);
  await other.click("text=Me connecter");
  await other.waitForURL(`${baseUrl}/portal`);
  await other.screenshot({ path: `${screenshotDir}/portal-dashboard-laptop.png`, fullPage: true });

  await other.click("text=Se déconnecter");
  await other.waitForURL(`${baseUrl}/portal/sign-in`);
  await other.goto(`${baseUrl}/portal`);
  assert.match(other.url(), /\/portal\/sign-in/, "signed out on the server");
  await phone.close();
  await laptop.close();
});

test("the fourth request for one identifier shows when to try again", async () => {
  const context = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA" });
  const page = await context.newPage();
  for (let attempt = 1; attempt <= 4; attempt++) {
    await page.goto(`${baseUrl}/portal/sign-in`);
    await page.fill("#identifier", "819 555-0142");
    await page.click("text=Recevoir mon lien");
  }
  const banner = page.locator(".banner.warn");
  assert.ok(await banner.isVisible(), "a banner explains the wait");
  assert.match(await banner.textContent(), /Réessayez dans \d+ minutes/);
  assert.equal(await page.inputValue("#identifier"), "819 555-0142", "what was typed is kept");
  await page.screenshot({ path: `${screenshotDir}/portal-rate-limited-phone.png`, fullPage: true });
  await context.close();
});
