import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningApp, startApp, totpCode } from "./support/harness.js";

// Issue 14's story in a real Chromium, on the app as `pnpm demo` runs it with --dev: "Sign in with SSO" on the
// sign-in page, the development identity provider (a real oidc-provider at /dev/idp), Initech signing in
// through it with @gatehousejs/oidc. Only the clock is the test's.

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === "true") {
  throw new Error(`No Chromium at ${CHROMIUM}: .ci/run installs it (apt-get install chromium).`);
}

const SHOTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const ROOT_PASSWORD = "copper lantern meadow 88";

/** The serious and critical accessibility violations axe-core finds on the page. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const { axe } = globalThis as unknown as {
      axe: {
        run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
      };
    };
    return (await axe.run()).violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
  });
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.targets.join(", ")}`);
}

describe.skipIf(!haveChromium)("the SSO browser story", () => {
  let app: RunningApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const screenshot = async (page: Page, name: string) => {
    expect(await violations(page), `axe on ${name} (${page.url()})`).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `sso-${name}.png`), fullPage: true });
  };
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    return context.newPage();
  };
  /** "Sign in with SSO" with an address, then a click on a person at the development identity provider. */
  const ssoSignIn = async (page: Page, email: string, person: RegExp, shot?: string) => {
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Work e-mail address").fill(email);
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await page.waitForURL("**/dev/idp/interaction/**");
    expect(await page.getByRole("note").textContent()).toContain("For the demo only.");
    if (shot) await screenshot(page, shot);
    await page.getByRole("button", { name: person }).click();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startApp({ sso: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
  });

  test("Ann signs in with SSO: her identity provider, then her account, created just in time", async () => {
    const ann = await newPage();
    await ann.goto(`${app.url}/login`);
    await screenshot(ann, "login");
    await ssoSignIn(ann, "ann@initech.test", /^Ann Archer/, "identity-provider");
    await ann.waitForURL(`${app.url}/account`);
    expect(await ann.locator("h1").textContent()).toBe("Your account");
    expect(await ann.locator("main").textContent()).toContain("Ann Archer");
    // No password to change: she signs in through Initech's identity provider.
    expect(await ann.getByRole("link", { name: "Change password" }).count()).toBe(0);
    await screenshot(ann, "account");
  });

  test("an identity at a domain Initech does not own is refused, with the reason on the sign-in page", async () => {
    const mallory = await newPage();
    await ssoSignIn(mallory, "someone@initech.test", /^Mallory Moss/);
    await mallory.waitForURL("**/login?sso_error=domain-not-allowed");
    expect(await mallory.getByRole("alert").textContent()).toContain(
      "a domain your organization does not own",
    );
    await screenshot(mallory, "refused");
    await mallory.goto(`${app.url}/account`);
    await mallory.waitForURL("**/login");
  });

  test("no password reset for Initech's people: the link is answered, nothing is sent", async () => {
    const page = await newPage();
    await page.goto(`${app.url}/forgot-password`);
    await page.getByLabel("E-mail address").fill("ann@initech.test");
    await page.getByRole("button", { name: "Send the link" }).click();
    expect(await page.getByRole("status").textContent()).toContain("If this address has an account");
    await app.gatehouse.flush();
    expect(app.outbox.lastMailTo("ann@initech.test", "password-reset")).toBeNull();
  });

  test("the emergency administrator signs in with a password and a second factor, and may reset only theirs", async () => {
    const root = await newPage();
    const email = app.ssoSeed?.emergencyEmail ?? "";
    await root.goto(`${app.url}/login`);
    await root.locator("#email").fill(email);
    await root.locator("#password").fill(app.ssoSeed?.temporaryPassword ?? "");
    await root.getByRole("button", { name: "Sign in", exact: true }).click();
    await root.waitForURL("**/password/change");
    await root.locator("#newPassword").fill(ROOT_PASSWORD);
    await root.locator("#confirmPassword").fill(ROOT_PASSWORD);
    await root.getByRole("button", { name: "Save password" }).click();
    // Always a second factor for a password in an SSO organization, whatever its MFA setting.
    await root.waitForURL("**/mfa/enroll");
    await root.getByRole("button", { name: "Start" }).click();
    const secret = (await root.getByTestId("totp-secret").textContent()) ?? "";
    await root.getByLabel("Code from the app").fill(totpCode(secret, app.clock.now()));
    await root.getByRole("button", { name: "Verify and enable" }).click();
    await root.waitForURL("**/account");
    await root.goto(`${app.url}/users`);
    const ann = root.locator('tr[data-email="ann@initech.test"]');
    expect(await ann.count()).toBe(1);
    expect(await ann.getByRole("button", { name: /Reset password/ }).count()).toBe(0);
    const own = root.locator(`tr[data-email="${email}"]`);
    expect(await own.getByRole("button", { name: /Reset password/ }).count()).toBe(1);
    await screenshot(root, "users");
  });
});
