/**
 * What the playwright engine measures inside the browser, under Artillery's
 * metric names (docs/engines/playwright.md):
 *
 *   browser.step.<name>             histogram, ms: each test.step()
 *   browser.page.TTFB.<url>         histogram, ms: navigation start → first response byte
 *   browser.page.FCP.<url>          histogram, ms: first contentful paint
 *   browser.page.LCP.<url>          histogram, ms: largest contentful paint seen by the load (+2 frames)
 *   browser.page.load.<url>         histogram, ms: navigation start → end of the load event
 *   browser.page.codes.<status>     counter: responses the pages received, by status
 *   browser.http_requests           counter: requests the pages completed
 *   extendedMetrics: browser.page.dominteractive(.<url>) histogram, browser.page.domcontentloaded(.<url>)
 *   counter, browser.memory_used_mb histogram
 *
 * The page side is one init script per context: PerformanceObservers for
 * paint entries and the Navigation Timing entry, read after the load event
 * (or when the engine flushes the page before closing it), handed back
 * through one exposed binding. Histograms are custom histograms
 * (the `custom=histogram` tag: not requests), values × 1000 like µs so the
 * reports' ms columns read as the emitted values. At most MAX_NAMES distinct
 * names; beyond it a page's metrics go to `<metric>.other`, so a crawl over
 * many URLs keeps memory bounded.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Recorder } from '../../engine/contracts.ts';
import { CUSTOM_HISTOGRAM, CUSTOM_TAG } from '../../engine/metrics/names.ts';
import type { PlaywrightOptions } from './playwright-options.ts';

const BINDING = '__agentloadPageMetric';
const FLUSH = '__agentloadFlushPageMetrics';
/** How long flush() waits for a page to hand its metrics over (a page stuck in a navigation may never answer). */
const FLUSH_WAIT_MS = 1000;
const MAX_NAMES = 500;
const TAGS = Object.freeze({ [CUSTOM_TAG]: CUSTOM_HISTOGRAM });

/**
 * Runs in every page before its own scripts. Reports FCP when it is
 * painted, and TTFB, load, LCP (and, when asked, DOM interactive and the JS
 * heap) once per page, two frames after the load event (when loadEventEnd is
 * set and the first paints are done), or earlier when flushed. Plain JavaScript text: a compiled function could
 * reference the compiler's helpers, which the page does not have.
 */
function pageScript(isExtended: boolean): string {
  return `(() => {
  const send = (name, value) => { try { return window[${JSON.stringify(BINDING)}](name, value, location.href); } catch { return undefined; } };
  let lcp = -1;
  let isReported = false;
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') send('FCP', e.startTime); })
      .observe({ type: 'paint', buffered: true });
    new PerformanceObserver((list) => { const all = list.getEntries(); lcp = all[all.length - 1].startTime; })
      .observe({ type: 'largest-contentful-paint', buffered: true });
  } catch {}
  const report = () => {
    const nav = performance.getEntriesByType('navigation')[0];
    if (isReported || !nav || !(nav.loadEventEnd > 0)) return [];
    isReported = true;
    const sent = [send('TTFB', nav.responseStart), send('load', nav.loadEventEnd)];
    if (${isExtended}) sent.push(send('dominteractive', nav.domInteractive));
    if (lcp >= 0) sent.push(send('LCP', lcp));
    if (${isExtended} && performance.memory) sent.push(send('memory', performance.memory.usedJSHeapSize / 1e6));
    return sent;
  };
  addEventListener('load', () => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(report))));
  // The engine calls it before closing the page: a page closed right after its load still reports.
  window[${JSON.stringify(FLUSH)}] = () => Promise.all(report());
})();`;
}

/** See the module comment. One per engine (so per process); shared by every context. */
export class PageMetrics {
  private readonly handles = new Map<string, number>();

  constructor(private readonly sink: Recorder, private readonly options: PlaywrightOptions, private readonly target: string) {}

  /** Installs the page script and the listeners on a user's new context; `scenario` names its metrics under aggregateByName. */
  async attach(context: BrowserContext, scenario: string): Promise<void> {
    await context.exposeBinding(BINDING, (_source, name: unknown, value: unknown, url: unknown) => {
      if (typeof name === 'string' && typeof value === 'number' && typeof url === 'string') this.onPage(name, value, url, scenario);
    });
    await context.addInitScript({ content: pageScript(this.options.extendedMetrics) });
    context.on('page', (page: Page) => this.watch(page));
  }

  /** Takes the timings of a page that loaded but has not reported yet; call before closing it. Never throws. */
  async flush(page: Page): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, FLUSH_WAIT_MS); });
    await Promise.race([page.evaluate(`window.${FLUSH}?.()`).catch(() => {}), timeout]);
    clearTimeout(timer);
  }

  /** A test.step() that ended, after `ms`. */
  step(name: string, ms: number): void {
    this.histogram(`browser.step.${name}`, ms, 'browser.step.other');
  }

  private watch(page: Page): void {
    page.on('response', (r) => this.sink.add(`browser.page.codes.${r.status()}`));
    page.on('requestfinished', () => this.sink.add('browser.http_requests'));
  }

  private onPage(name: string, value: number, url: string, scenario: string): void {
    if (!this.options.showAllPageMetrics && !url.startsWith(this.target)) return;
    const page = this.options.aggregateByName ? scenario : this.pageName(url);
    if (name === 'memory') return this.histogram('browser.memory_used_mb', value);
    if (name === 'dominteractive') {
      this.sink.add('browser.page.domcontentloaded');
      this.sink.add(this.bounded(`browser.page.domcontentloaded.${page}`, 'browser.page.domcontentloaded.other'));
      this.histogram('browser.page.dominteractive', value);
    }
    this.histogram(`browser.page.${name}.${page}`, value, `browser.page.${name}.other`);
  }

  /** The URL as metrics name it: stripped of its query, or with query values normalised (Artillery's options). */
  private pageName(url: string): string {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return url;
    }
    if (this.options.stripQueryString) return u.origin + u.pathname;
    if (!this.options.normalizeQueryString || u.search === '') return url;
    const params = [...u.searchParams].map(([k, v]) => [k, /^-?\d+(\.\d+)?$/.test(v) ? 'NUMBER' : 'STRING'] as [string, string]);
    params.sort((a, b) => a[0].localeCompare(b[0]));
    return `${u.origin}${u.pathname}?${new URLSearchParams(params).toString()}`;
  }

  private bounded(name: string, overflow: string): string {
    return this.handles.has(name) || this.handles.size < MAX_NAMES ? name : overflow;
  }

  private histogram(name: string, valueMs: number, overflow = 'browser.other'): void {
    if (!Number.isFinite(valueMs)) return;
    const key = this.bounded(name, overflow);
    let h = this.handles.get(key);
    if (h === undefined) {
      h = this.sink.handle(key, TAGS);
      this.handles.set(key, h);
    }
    this.sink.recordLatency(h, Math.max(0, Math.round(valueMs * 1000)));
    this.sink.ok(h);
  }
}
