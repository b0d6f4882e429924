// Staff at work in the ops app: signing in with the e-mailed link, finding
// a customer by a phone number typed any way, correcting an e-mail in
// place, answering a ticket, looking at the portal as the customer, and
// what each role is offered.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";

import { baseUrl, launch, screenshotDir, viewports } from "./browser.mjs";
import { plainText, smtpSink } from "./fakes.mjs";

// .ci/browser points the server's SMTP at this port and lets the demo
// staff's addresses out of the sandbox.
const mail = smtpSink(Number(process.env.GIGAFIBRE_E2E_SMTP_PORT ?? 2525));

const wide = { width: 1280, height: 800 };

let browser;
before(async () => {
  browser = await launch();
  mkdirSync(screenshotDir, { recursive: true });
});
after(async () => {
  await browser?.close();
  mail.close();
});

/**
 * Signs a member of staff in the way someone without single sign-on does:
 * the address on the sign-in page, the link from the e-mail, the button.
 */
async function signIn(email, viewport, shot) {
  const context = await browser.newContext({ viewport, locale: "fr-CA" });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/ops`);
  assert.equal(page.url(), `${baseUrl}/ops/sign-in`, "anonymous visitors are sent to sign in");
  await page.fill("#email", email);
  await page.click("text=M'envoyer un lien");
  await page.waitForSelector("[role=status] .chip.ok");
  const message = await mail.waitFor(email);
  assert.match(message.data, /Subject: .*lien/i);
  const link = plainText(message.data).match(/https?:\/\/\S+\/ops\/auth\?token=[0-9a-f]{64}/)[0];
  await page.goto(link.replace(/^https?:\/\/[^/]+/, baseUrl));
  assert.equal(page.url(), `${baseUrl}/ops/auth`, "the token is gone from the address bar");
  if (shot) await page.screenshot({ path: `${screenshotDir}/${shot}`, fullPage: true });
  await page.click("button:has-text('Me connecter')");
  await page.waitForURL(`${baseUrl}/ops`);
  return { context, page };
}

// The agent signs in once (three links per address per 15 minutes); the
// other tests open their own windows with the same session.
let agentState;
async function asAgent(viewport) {
  if (!agentState) {
    const { context } = await signIn("agent@gigafibre.demo", viewports.phone);
    agentState = await context.storageState();
    await context.close();
  }
  const context = await browser.newContext({ viewport, locale: "fr-CA", storageState: agentState });
  return { context, page: await context.newPage() };
}

/** The links of the section navigation, as read. */
async function navigation(page) {
  return (await page.locator(".ops-nav a").allTextContents()).map((text) => text.trim());
}

test("an agent signs in with the link e-mailed from the sign-in page and lands on the dashboard", async () => {
  const { context, page } = await signIn("agent@gigafibre.demo", viewports.phone, "ops-link-confirm-phone.png");
  agentState = await context.storageState();
  assert.equal(await page.textContent("h1"), "Aujourd'hui");
  assert.equal((await page.textContent(".ops-who")).trim(), "Antoine Agent · Agent au service à la clientèle");
  assert.deepEqual(await navigation(page), ["Tableau de bord", "Clients", "Billets", "Comptes clients", "Messages envoyés"]);
  assert.ok(await page.isVisible(".figures >> text=billets à traiter"));
  await page.screenshot({ path: `${screenshotDir}/ops-dashboard-phone.png`, fullPage: true });
  await context.close();
});

/** Types `typed` in the top-bar search and waits for its own answer. */
async function search(page, typed) {
  const answered = page.waitForResponse(
    (response) => response.url().includes("/ops/search?") && new URL(response.url()).searchParams.get("q") === typed,
  );
  await page.locator("#ops-search-box").pressSequentially(typed, { delay: 20 });
  await answered;
}

for (const [name, viewport] of [["laptop", viewports.laptop], ["phone", viewports.phone]]) {
  test(`a customer is found by a phone number written two ways, with the keyboard (${name})`, async () => {
    const { context, page } = await asAgent(viewport);
    await page.goto(`${baseUrl}/ops`);
    await page.click("#ops-search-box");
    await search(page, "(514) 838.9458");
    const options = page.locator("#ops-search-results [role=option]");
    await options.first().waitFor();
    assert.equal(await options.count(), 1, "one customer has that number");
    assert.match(await options.first().textContent(), /Julie Leclerc.*GF-100002/);
    assert.equal(await page.getAttribute("#ops-search-box", "aria-expanded"), "true");
    await page.keyboard.press("ArrowDown");
    assert.equal(await options.first().getAttribute("aria-selected"), "true", "the arrow picks the result");
    await page.screenshot({ path: `${screenshotDir}/ops-search-${name}.png` });
    await page.keyboard.press("Enter");
    await page.waitForURL(`${baseUrl}/ops/clients/2`);
    assert.equal(await page.textContent("h1"), "Julie Leclerc");

    // From another page, "/" goes to the search box.
    await page.click(".ops-nav >> text=Billets");
    await page.waitForURL(`${baseUrl}/ops/tickets`);
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement.id), "ops-search-box");
    await search(page, "514-838-9458");
    await options.first().waitFor();
    assert.equal(await options.count(), 1);
    assert.match(await options.first().textContent(), /Julie Leclerc/);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${baseUrl}/ops/clients/2`);
    assert.ok(await page.isVisible("#field-cell >> text=514-838-9458"));
    await context.close();
  });
}

test("an e-mail is corrected in place: a bad one is refused next to the field, a good one is saved without a reload", async () => {
  const { context, page } = await asAgent(wide);
  // Someone other than the customer the portal tests sign in as.
  await page.goto(`${baseUrl}/ops/clients`);
  await page.fill("input[name=q]", "Rachel Bouchard");
  await page.click("button:has-text('Filtrer')");
  await page.click("table.data >> text=Rachel Bouchard");
  await page.waitForURL(/\/ops\/clients\/\d+$/);
  const clientUrl = page.url();
  const email = page.locator("#field-email .field-value");
  const before = (await email.textContent()).trim();
  assert.match(before, /@/);
  await page.evaluate(() => (window.stillThisPage = true));

  await page.click("#field-email >> text=Modifier");
  const input = page.locator("#field-email input[name=value]");
  assert.equal(await input.inputValue(), before, "the form starts from the stored address");
  // The browser accepts it (type=email); the server wants a dot in the domain.
  await input.fill("rachel@bouchard");
  await page.click("#field-email >> text=Enregistrer");
  const error = page.locator("#field-email .field-error");
  await error.waitFor();
  assert.equal(await error.textContent(), "Ce courriel n'est pas valide (exemple : nom@domaine.ca).");
  assert.equal(await input.inputValue(), "rachel@bouchard", "what was typed is kept");
  assert.equal(await input.getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => window.stillThisPage), true, "no page load");
  await page.screenshot({ path: `${screenshotDir}/ops-client-email-refused-laptop.png`, fullPage: true });
  await page.reload();
  assert.equal((await email.textContent()).trim(), before, "nothing changed");

  await page.evaluate(() => (window.stillThisPage = true));
  await page.click("#field-email >> text=Modifier");
  await input.fill("  Rachel.Bouchard@Exemple.ca ");
  await page.click("#field-email >> text=Enregistrer");
  await page.locator("#field-email .saved").waitFor();
  assert.equal(await page.textContent("#field-email .saved"), "Enregistré");
  assert.equal((await email.textContent()).trim(), "rachel.bouchard@exemple.ca", "stored trimmed, in lower case");
  assert.equal(await page.evaluate(() => window.stillThisPage), true, "saved without a page load");
  assert.equal(page.url(), clientUrl);
  await page.screenshot({ path: `${screenshotDir}/ops-client-email-saved-laptop.png`, fullPage: true });
  await page.reload();
  assert.equal((await email.textContent()).trim(), "rachel.bouchard@exemple.ca", "kept after a reload");
  const trail = page.locator("section[aria-labelledby=trail-title]");
  assert.ok(await trail.locator(`text=${before}`).count(), "the change log on the page shows the old address");
  await context.close();
});

test("an answer to a ticket joins the thread and is listed among the messages sent", async () => {
  const { context, page } = await asAgent(viewports.phone);
  await page.goto(`${baseUrl}/ops/tickets`);
  // Someone the sandbox keeps (the portal tests' customer would really be reached).
  const row = page.locator("table.tickets-table tbody tr").filter({ hasNotText: "GF-100002" }).first();
  const account = (await row.locator(".account").textContent()).trim();
  await row.locator(".ticket-cell a").click();
  await page.waitForURL(/\/ops\/tickets\/\d+$/);
  const ticketUrl = page.url();
  const customer = (await page.textContent(".ticket-customer .customer-name strong")).trim();
  const before = await page.locator("#thread .thread li").count();
  await page.evaluate(() => (window.stillThisPage = true));

  const answer = `Un technicien passera jeudi entre 8 h et 12 h (réf. ${Date.now()}).`;
  await page.fill("#reply-body", answer);
  await page.click("button:has-text('Envoyer la réponse')");
  const mine = page.locator("#thread .thread li.mine").last();
  await page.waitForFunction(
    (count) => document.querySelectorAll("#thread .thread li").length === count + 1,
    before,
  );
  assert.equal((await mine.locator(".body").textContent()).trim(), answer);
  assert.match(await mine.locator(".meta").textContent(), /Antoine Agent/);
  assert.equal(await page.evaluate(() => window.stillThisPage), true, "the thread changed in place");
  assert.equal(await page.inputValue("#reply-body"), "", "the box is empty for the next answer");
  await page.screenshot({ path: `${screenshotDir}/ops-ticket-answered-phone.png`, fullPage: true });

  await page.click(".ops-nav >> text=Messages envoyés");
  await page.waitForURL(`${baseUrl}/ops/outbox`);
  const listed = page.locator("table.data tbody tr").filter({ hasText: customer }).first();
  await listed.waitFor();
  await page.screenshot({ path: `${screenshotDir}/ops-outbox-phone.png`, fullPage: true });
  await listed.locator("a[href^='/ops/outbox/']").first().click();
  await page.waitForURL(/\/ops\/outbox\/\d+$/);
  assert.ok(await page.locator(`text=${answer}`).count(), "the message holds the answer");
  assert.ok(await page.isVisible(`a[href='${new URL(ticketUrl).pathname}']`), "and names its ticket");
  assert.ok(await page.isVisible(`text=${customer}`), "and its customer");
  await page.screenshot({ path: `${screenshotDir}/ops-outbox-message-phone.png`, fullPage: true });

  // The customer's number finds it too.
  await page.goto(`${baseUrl}/ops/outbox?customer=${account}`);
  assert.ok(await page.locator("table.data tbody tr").filter({ hasText: customer }).count());
  await context.close();
});

test("an agent looks at the portal as the customer: a banner names them, nothing can be changed, then back to ops", async () => {
  const { context, page } = await asAgent(viewports.laptop);
  await page.goto(`${baseUrl}/ops/clients/2`);
  await page.click("button:has-text('Voir son portail')");
  await page.waitForURL(`${baseUrl}/portal`);
  const banner = page.locator(".banner.impersonation");
  assert.ok(await banner.isVisible(), "the banner is on the portal");
  assert.match(await banner.textContent(), /Antoine Agent/, "it names who is looking");
  assert.match(await page.textContent("h1"), /^Bonjour/);
  await page.screenshot({ path: `${screenshotDir}/ops-impersonation-laptop.png`, fullPage: true });

  // The banner stays on every page; a form sent from the portal is refused.
  await page.click(".portal-nav >> text=Coordonnées");
  await page.waitForURL(`${baseUrl}/portal/account`);
  assert.ok(await banner.isVisible());
  const stored = await page.inputValue("#home_phone");
  await page.fill("#home_phone", "450 555-0199");
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/portal/account")),
    page.click("form[action='/portal/account'] button[type=submit]"),
  ]);
  assert.equal(response.status(), 403);
  assert.equal(await page.textContent("h1"), "Lecture seule", "a page says why");
  await page.screenshot({ path: `${screenshotDir}/ops-impersonation-refused-laptop.png`, fullPage: true });
  await page.goto(`${baseUrl}/portal/account`);
  assert.equal(await page.inputValue("#home_phone"), stored, "nothing changed");

  await page.click(".banner.impersonation >> text=Terminer");
  await page.waitForURL(`${baseUrl}/ops`);
  assert.equal((await page.textContent(".ops-who")).trim(), "Antoine Agent · Agent au service à la clientèle");
  await page.goto(`${baseUrl}/portal`);
  assert.match(page.url(), /\/portal\/sign-in/, "the look at the portal is over");
  await context.close();
});

test("a dispatcher reads a client without a way to change it, and manages the team", async () => {
  const { context, page } = await signIn("dispatch@gigafibre.demo", viewports.phone);
  assert.ok((await navigation(page)).includes("Équipe"));
  assert.ok(!(await navigation(page)).includes("Messages envoyés"));
  await page.click(".ops-nav >> text=Clients");
  await page.click("table.data tbody tr >> nth=0 >> a");
  await page.waitForURL(/\/ops\/clients\/\d+$/);
  assert.ok(await page.isVisible("#field-email"), "the record is shown");
  assert.equal(await page.locator("text=Modifier").count(), 0, "no way to change it");
  assert.equal(await page.locator("text=Voir son portail").count(), 0, "nor to look at the portal as the customer");
  await page.screenshot({ path: `${screenshotDir}/ops-client-dispatcher-phone.png`, fullPage: true });
  await page.click(".ops-nav >> text=Équipe");
  await page.waitForURL(`${baseUrl}/ops/equipe`);
  await page.screenshot({ path: `${screenshotDir}/ops-team-dispatcher-phone.png`, fullPage: true });
  await context.close();
});

test("billing edits clients but is not offered the team, and is refused it by address", async () => {
  const { context, page } = await signIn("billing@gigafibre.demo", wide);
  const links = await navigation(page);
  assert.ok(!links.includes("Équipe"));
  assert.ok(links.includes("Messages envoyés"));
  await page.goto(`${baseUrl}/ops/clients/2`);
  assert.ok(await page.isVisible("#field-email >> text=Modifier"));
  const response = await page.goto(`${baseUrl}/ops/equipe`);
  assert.equal(response.status(), 403);
  assert.equal(await page.textContent("h1"), "Accès réservé");
  assert.match(await page.textContent("main"), /Votre rôle ne donne pas accès à cette page/);
  await page.screenshot({ path: `${screenshotDir}/ops-team-refused-billing-laptop.png`, fullPage: true });
  await context.close();
});
