import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, done by .ci/run); nothing downloads a browser. */
export const CHROMIUM = process.env.KOPPEL_CHROMIUM ?? '/usr/bin/chromium';

// As root and on a closed network: no sandbox, and none of Chromium's calls home (they are refused here).
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Headless Chromium for the console's browser tests and bench:console. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}
