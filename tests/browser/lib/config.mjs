// Settings from the environment, with defaults that fit `scripts/run.sh`.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');

/** The local ALB (or the public URL of a deployed stack). */
export const BASE_URL = (process.env.BASE_URL ?? 'http://localhost:8080').replace(/\/+$/, '');

/** The product-service admin key; scenarios that write to the catalog need it. */
export const ADMIN_API_KEY = process.env.ADMIN_API_KEY ?? '';

export const SCREENSHOT_DIR = resolve(process.env.SCREENSHOT_DIR ?? resolve(repoRoot, 'build', 'screenshots'));

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How long one wait for the page may take. */
export const TIMEOUT_MS = Number(process.env.BROWSER_TIMEOUT_MS ?? 15000);

export function requireAdminKey() {
  if (ADMIN_API_KEY === '') {
    throw new Error('ADMIN_API_KEY is not set: the scenario creates its own products through the admin API');
  }
  return ADMIN_API_KEY;
}
