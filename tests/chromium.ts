/**
 * Finds a Chromium for the end-to-end tests and the bench: CHROME_PATH, then a system
 * Chromium or Chrome, then Playwright's own download. Run directly, it also installs one
 * where it can (Debian's chromium via apt-get as root, else Playwright's download).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export const HOW_TO_GET_CHROMIUM =
  'No Chromium found: set CHROME_PATH to a Chromium or Chrome binary, or run `sudo apt-get install chromium` (Debian/Ubuntu), or `npx playwright install chromium`.';

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const path of SYSTEM_PATHS) if (existsSync(path)) return path;
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own installed.
  }
  return undefined;
}

function tryRun(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return true;
  } catch {
    return false;
  }
}

/** Flags every launch needs on a locked-down machine (root, no network beyond localhost). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function ensureChromium(): void {
  let found = findChromium();
  if (!found) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot && existsSync('/usr/bin/apt-get')) {
      console.log('No Chromium found: installing Debian chromium with apt-get…');
      if (tryRun('apt-get', ['update', '-qq'])) tryRun('apt-get', ['install', '-y', '-qq', 'chromium']);
    } else {
      console.log('No Chromium found: trying Playwright’s download…');
      tryRun('npx', ['playwright', 'install', 'chromium']);
    }
    found = findChromium();
  }
  if (!found) {
    console.error(HOW_TO_GET_CHROMIUM);
    process.exit(1);
  }
  console.log(`Chromium: ${found}`);
}

if (import.meta.url === `file://${process.argv[1]}`) ensureChromium();
