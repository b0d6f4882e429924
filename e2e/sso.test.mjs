// A member of staff signs in to the ops app with the organisation's
// account: a real OpenID provider (e2e/oidc/provider.mjs), started here on
// the port .ci/browser gave the server as its issuer. The server discovers
// the provider only at the first sign-in, so it may start after the server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

import { baseUrl, launch, screenshotDir, viewports } from "./browser.mjs";
import { PASSWORD, startProvider } from "./oidc/provider.mjs";

const oidcPort = Number(process.env.GIGAFIBRE_E2E_OIDC_PORT ?? 8097);

let browser;
let provider;
before(async () => {
  provider = await startProvider({
    port: oidcPort,
    clientId: process.env.GIGAFIBRE_E2E_OIDC_CLIENT_ID ?? "gigafibre-ops",
    clientSecret: process.env.GIGAFIBRE_E2E_OIDC_CLIENT_SECRET ?? "e2e-client-secret",
    redirectUris: [`${baseUrl}/ops/sso/callback`],
  });
  browser = await launch();
  mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
  await provider?.close();
});

const sizes = { phone: viewports.phone, wide: { width: 1280, height: 800 } };

for (const [name, viewport] of Object.entries(sizes)) {
  test(`the staff sign-in page offers the organisation's account and a link by e-mail (${name})`, async () => {
    const context = await browser.newContext({ viewport, locale: "fr-CA" });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/ops`);
    assert.equal(page.url(), `${baseUrl}/ops/sign-in`, "anonymous visitors are sent to sign in");
    assert.ok(await page.isVisible("a.sso-button >> text=Se connecter avec Gigafibre ID"));
    assert.ok(await page.isVisible("form[action='/ops/sign-in/email'] >> text=M'envoyer un lien"));
    await page.screenshot({ path: `${screenshotDir}/ops-sign-in-${name}.png`, fullPage: true });
    await context.close();
  });
}

test("an admin signs in at the provider and lands on the dashboard with their name", async () => {
  const context = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA" });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/ops/sign-in`);
  await page.click("text=Se connecter avec Gigafibre ID");
  await page.waitForURL(/\/interaction\//);
  assert.ok(page.url().startsWith(provider.issuer), "the browser is at the provider");
  await page.fill("#login", "ada.admin@gigafibre.test");
  await page.fill("#password", PASSWORD);
  await page.screenshot({ path: `${screenshotDir}/ops-sso-provider-phone.png`, fullPage: true });
  await page.click("button:has-text('Sign in')");
  await page.waitForURL(`${baseUrl}/ops`);
  assert.ok(await page.isVisible("text=Ada Lavoie"), "the dashboard names who signed in");
  assert.ok(await page.isVisible("text=Administrateur"));
  await page.screenshot({ path: `${screenshotDir}/ops-sso-dashboard-phone.png`, fullPage: true });
  await context.close();
});

test("someone who is not staff is told so, and gets no session", async () => {
  const context = await browser.newContext({ viewport: sizes.wide, locale: "fr-CA" });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/ops/sign-in`);
  await page.click("text=Se connecter avec Gigafibre ID");
  await page.waitForURL(/\/interaction\//);
  await page.fill("#login", "sam@example.test");
  await page.fill("#password", PASSWORD);
  await page.click("button:has-text('Sign in')");
  await page.waitForURL(/\/ops\/sso\/callback/);
  assert.equal(await page.textContent("h1"), "Accès réservé au personnel");
  await page.screenshot({ path: `${screenshotDir}/ops-sso-refused-wide.png`, fullPage: true });
  await page.click("text=Retour à la connexion");
  await page.goto(`${baseUrl}/ops`);
  assert.equal(page.url(), `${baseUrl}/ops/sign-in`, "still signed out");
  await context.close();
});

test("asking for a link by e-mail says the same thing for any address", async () => {
  const context = await browser.newContext({ viewport: viewports.phone, locale: "fr-CA" });
  const page = await context.newPage();
  const answers = [];
  for (const address of ["dispatch@gigafibre.demo", "personne@gigafibre.demo"]) {
    await page.goto(`${baseUrl}/ops/sign-in`);
    await page.fill("#email", address);
    await page.click("text=M'envoyer un lien");
    answers.push(await page.textContent("[role=status]"));
  }
  assert.match(answers[0], /un lien valide 10 minutes/);
  assert.equal(answers[0], answers[1], "no way to tell who works here");
  assert.equal(await page.inputValue("#email"), "personne@gigafibre.demo", "what was typed is kept");
  await page.screenshot({ path: `${screenshotDir}/ops-link-sent-phone.png`, fullPage: true });
  await context.close();
});
