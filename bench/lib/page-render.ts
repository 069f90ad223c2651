import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CHROMIUM, launchChromium } from './chromium.js';
import { percentile, round } from './stats.js';

export interface PageRender {
  p50Ms: number;
  p95Ms: number;
  /** Script bytes the first load of the page fetched (the budget: under 100 KB). */
  scriptBytes: number;
  loads: number;
}

/**
 * Times a console page in Debian's Chromium, signed in with the given session cookie: from the
 * navigation's start until the page's module has drawn it (body[data-ready]), over `loads` loads.
 */
export async function timePageRender(
  baseUrl: string,
  path: string,
  cookie: { name: string; value: string },
  loads: number,
): Promise<PageRender | { skipped: string }> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM} (apt-get install chromium)` };
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    await context.addCookies([{ ...cookie, url: baseUrl }]);
    const page = await context.newPage();
    const scripts: Promise<number>[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script')
        scripts.push(response.body().then((body) => body.length));
    });
    const times: number[] = [];
    for (let i = 0; i < loads + 1; i++) {
      const start = performance.now();
      await page.goto(`${baseUrl}${path}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      // The first load warms the server and the browser; it is not timed, but its scripts are counted.
      if (i === 0) page.removeAllListeners('response');
      else times.push(performance.now() - start);
    }
    const scriptBytes = (await Promise.all(scripts)).reduce((n, bytes) => n + bytes, 0);
    return {
      p50Ms: round(percentile(times, 50), 1),
      p95Ms: round(percentile(times, 95), 1),
      scriptBytes,
      loads,
    };
  } finally {
    await browser.close();
  }
}
