// Shared set-up for the browser tests: Debian's Chromium driven by
// playwright-core, against the server .ci/browser started.
import { chromium } from "playwright-core";
import { plainText } from "./fakes.mjs";

export const baseUrl = process.env.GIGAFIBRE_E2E_URL ?? "http://127.0.0.1:8090";
export const screenshotDir = process.env.GIGAFIBRE_E2E_SCREENSHOTS ?? "target/e2e-screenshots";

export const viewports = {
  phone: { width: 390, height: 844 },
  laptop: { width: 1366, height: 768 },
};

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

/**
 * Signs `page` in to the ops app as `email` the way staff do: the address on
 * the sign-in page, the link from the e-mail that `mail` (an SMTP sink) got,
 * the button.
 */
export async function signInStaff(page, mail, email) {
  await page.goto(`${baseUrl}/ops/sign-in`);
  await page.fill("#email", email);
  await page.click("text=M'envoyer un lien");
  await page.waitForSelector("[role=status] .chip.ok");
  const message = await mail.waitFor(email);
  const link = plainText(message.data).match(/https?:\/\/\S+\/ops\/auth\?token=[0-9a-f]{64}/)[0];
  await page.goto(link.replace(/^https?:\/\/[^/]+/, baseUrl));
  await page.click("button:has-text('Me connecter')");
  await page.waitForURL(`${baseUrl}/ops`);
}
