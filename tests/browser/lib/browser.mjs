// Debian's Chromium driven by playwright-core: a fresh profile per scenario,
// axe-core on every page visited, a screenshot per step, and a record of
// console errors, page errors and Content-Security-Policy violations.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BASE_URL, CHROMIUM_PATH, SCREENSHOT_DIR, TIMEOUT_MS } from './config.mjs';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WCAG 2.x A and AA rules plus axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

export class Session {
  constructor(context, page, name) {
    this.context = context;
    this.page = page;
    this.name = name;
    this.consoleErrors = [];
    this.pageErrors = [];
    this.audits = [];
    this.step = 0;
    page.on('console', (message) => {
      if (message.type() === 'error') {
        this.consoleErrors.push(message.text());
      }
    });
    page.on('pageerror', (error) => this.pageErrors.push(String(error)));
    page.setDefaultTimeout(TIMEOUT_MS);
  }

  /** Opens a path of the shop (a full page load). */
  async goto(path) {
    const response = await this.page.goto(`${BASE_URL}${path}`, { waitUntil: 'domcontentloaded' });
    if (!response || response.status() !== 200) {
      throw new Error(`GET ${path}: HTTP ${String(response?.status())}`);
    }
    await this.page.locator('main h1').first().waitFor();
  }

  /** Waits until no loading indicator is shown. */
  async settle() {
    await this.page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
    await this.page.waitForLoadState('load');
  }

  /**
   * Runs axe-core on the page as it is now and fails on serious or critical
   * violations; milder ones are logged.
   */
  async audit(label) {
    await this.settle();
    const injected = await this.page.evaluate(() => typeof globalThis.axe === 'object');
    if (!injected) {
      // Evaluated through the DevTools protocol, which the page's CSP does not block.
      await this.page.evaluate(`${axeSource}\n;true`);
    }
    const violations = await this.page.evaluate(async (tags) => {
      const result = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }));
    }, AXE_TAGS);
    this.audits.push({ label, url: this.page.url(), violations });
    const blocking = violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
    for (const v of violations.filter((x) => !BLOCKING_IMPACTS.has(x.impact))) {
      console.log(`# axe (${label}): ${String(v.impact)} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`);
    }
    if (blocking.length > 0) {
      const text = blocking.map((v) => `${String(v.impact)} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`).join('\n  ');
      throw new Error(`axe found serious/critical violations on ${label} (${this.page.url()}):\n  ${text}`);
    }
  }

  /** Audits the page and saves a full-page screenshot named after the scenario and step. */
  async checkpoint(label) {
    await this.audit(label);
    await this.screenshot(label);
  }

  async screenshot(label) {
    this.step += 1;
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const file = `${this.name}-${String(this.step).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
    await this.page.screenshot({ path: join(SCREENSHOT_DIR, file), fullPage: true });
  }

  /**
   * Fails on page errors and CSP violations, and on console errors other than
   * the ones a scenario expects (e.g. the 404 of an unknown order).
   */
  assertClean(allowed = []) {
    const csp = this.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e));
    const unexpected = this.consoleErrors.filter((e) => !csp.includes(e) && !allowed.some((pattern) => pattern.test(e)));
    const problems = [...this.pageErrors.map((e) => `page error: ${e}`), ...csp.map((e) => `CSP: ${e}`), ...unexpected.map((e) => `console: ${e}`)];
    if (problems.length > 0) {
      throw new Error(`${this.name}: ${problems.join('\n')}`);
    }
  }
}

/**
 * Runs `body` with a new Chromium on a fresh user-data dir, then closes it.
 * @param {string} name used in screenshot file names
 * @param {(session: Session) => Promise<void>} body
 * @param {{ viewport?: { width: number, height: number } }} [options]
 */
export async function withBrowser(name, body, options = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'shop-browser-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const session = new Session(context, page, name);
    try {
      await body(session);
    } catch (error) {
      await session.screenshot('failure').catch(() => undefined);
      throw error;
    }
    return session;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
