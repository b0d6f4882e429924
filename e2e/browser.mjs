// Shared set-up for the browser tests: Debian's Chromium driven by
// playwright-core, against the server .ci/browser started.
import { chromium } from "playwright-core";

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
