// Debian's headless Chromium driven by playwright-core (no downloaded browser), with the flags
// this closed network needs so Chromium does not try to phone home.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A persistent context in a fresh profile directory, which its `close()` removes. */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), "connect-provider-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const close = context.close.bind(context);
  context.close = async (options) => {
    await close(options);
    rmSync(profile, { recursive: true, force: true });
  };
  return context;
}

/** Opens `url`, waits for the page to publish `window[name]`, and returns it. */
export async function readFromPage(context, url, name) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(url);
  try {
    await page.waitForFunction((key) => key in window, name, { timeout: 30_000 });
  } catch (error) {
    throw new Error(`${url} never set window.${name}; page errors: ${errors.join("; ")}`, { cause: error });
  }
  const value = await page.evaluate((key) => window[key], name);
  await page.close();
  return value;
}
