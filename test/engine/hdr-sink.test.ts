import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { decodeHistogram } from '../../src/engine/metrics/histogram.ts';

test('intervals fold into totals exactly; percentiles are microsecond-resolution HDR', () => {
  const sink = new HdrSink();
  const h = sink.handle('x');
  for (let i = 1; i <= 1000; i++) { sink.recordLatency(h, i); sink.ok(h); }
  const i1 = sink.snapshot(0, 1000, 'p');
  for (let i = 1; i <= 1000; i++) { sink.recordLatency(h, 1000 + i); sink.ok(h); }
  const i2 = sink.snapshot(1000, 2000, 'p');
  const s = sink.summary(2000);
  assert.equal(i1.overall.count + i2.overall.count, s.overall.count);
  assert.equal(s.overall.count, 2000);
  assert.equal(i1.overall.latencyMs.max, 1);
  assert.ok(Math.abs(s.overall.latencyMs.p50 - 1) < 0.002);
  assert.equal(i1.overall.rps, 1000);
});

test('encoded windows from workers merge exactly into one sink', () => {
  const workers = [new HdrSink(), new HdrSink()];
  const whole = new HdrSink();
  workers.forEach((w, k) => {
    const h = w.handle('n', { class: 'light' });
    const wh = whole.handle('n', { class: 'light' });
    for (let i = 0; i < 500; i++) {
      const us = 100 + i * 37 + k;
      w.recordLatency(h, us); w.ok(h); w.status(h, 200);
      whole.recordLatency(wh, us); whole.ok(wh); whole.status(wh, 200);
    }
    w.failed(h, 'timeout'); whole.failed(wh, 'timeout');
  });
  const main = new HdrSink();
  for (const w of workers) main.absorb(w.takeInterval());
  main.snapshot(0, 1000, null);
  whole.snapshot(0, 1000, null);
  assert.deepEqual(main.summary(1000), whole.summary(1000));
  assert.equal(decodeHistogram(main.encodeTotals()['']!).totalCount, 1000);
});

test('gauges track current and peak', () => {
  const sink = new HdrSink();
  sink.gaugeAdd('conns', 5);
  sink.gaugeAdd('conns', -3);
  const snap = sink.snapshot(0, 1, null);
  assert.equal(snap.gauges.conns, 2);
  assert.equal(snap.gauges.conns_max, 5);
  assert.equal(sink.summary(1).gaugePeaks.conns, 5);
});

test('counter and gauge cells reach each window as gaugeSet and add would have put them', () => {
  const sink = new HdrSink();
  const created = sink.counterCell('created');
  const active = sink.gaugeCell('active');
  assert.equal(sink.snapshot(0, 1, null).gauges.active, undefined, 'a gauge never set is not reported');
  for (const v of [1, 2, 7, 3]) { created.count++; active.set(v); }
  const first = sink.snapshot(0, 1, null);
  assert.equal(first.counters.created, 4);
  assert.equal(first.gauges.active, 3);
  assert.equal(first.gauges.active_max, 7);
  active.set(2);
  created.count += 2;
  const second = sink.snapshot(1, 2, null);
  assert.equal(second.counters.created, 2, 'a window holds only its own counts');
  assert.equal(second.gauges.active_max, 3, 'the peak restarts from the value the window began with');
  assert.equal(second.gauges.active, 2);
  const whole = sink.summary(2);
  assert.equal(whole.counters.created, 6);
  assert.equal(whole.gaugePeaks.active, 7);
  // A worker's window carries them too.
  created.count++;
  assert.equal(sink.takeInterval().counters.created, 1);
});

test('the one-pass percentile walk equals getValueAtPercentile, and its mean the mean getter', async () => {
  const { newHistogram, recordUs, valuesAtPercentiles, latencySummary } = await import('../../src/engine/metrics/histogram.ts');
  const h = newHistogram();
  let x = 7;
  for (let i = 0; i < 20_000; i++) { x = (x * 48271) % 2147483647; recordUs(h, 1 + (x % 5_000_000)); }
  for (let i = 0; i < 30; i++) recordUs(h, 3_000_000_000 + i * 17_000_000); // the top buckets, beyond 2^31
  const ps = [1, 50, 75, 90, 95, 99, 99.9, 99.99, 100];
  assert.deepEqual(valuesAtPercentiles(h, ps), ps.map((p) => h.getValueAtPercentile(p)));
  assert.equal(latencySummary(h).mean, Math.round(h.mean) / 1000);
  assert.equal(latencySummary(h).min, Math.round(h.minNonZeroValue) / 1000);
});

test('addHistogram over the recorded range equals hdr add over every bucket', async () => {
  const { newHistogram, recordUs, addHistogram, encodeHistogram } = await import('../../src/engine/metrics/histogram.ts');
  const a = newHistogram(), b = newHistogram(), viaHdr = newHistogram(), viaRange = newHistogram();
  let x = 11;
  for (let i = 0; i < 5_000; i++) { x = (x * 48271) % 2147483647; recordUs(a, 300 + (x % 90_000)); recordUs(b, 2_000_000 + (x % 900_000_000)); }
  for (const h of [a, b, newHistogram()]) { viaHdr.add(h); addHistogram(viaRange, h); }
  assert.equal(encodeHistogram(viaRange), encodeHistogram(viaHdr));
  assert.equal(viaRange.totalCount, 10_000);
  assert.equal(viaRange.maxValue, viaHdr.maxValue);
  assert.equal(viaRange.minNonZeroValue, viaHdr.minNonZeroValue);
  assert.equal(viaRange.getValueAtPercentile(99.9), viaHdr.getValueAtPercentile(99.9));
});

test('recordUs puts every value where hdr recordValue does: the same counts, total, min and max', async () => {
  const { newHistogram, recordUs, encodeHistogram, MAX_TRACKABLE_US } = await import('../../src/engine/metrics/histogram.ts');
  const direct = newHistogram(), viaHdr = newHistogram();
  const values: number[] = [];
  // Every bucket's edges (2^k − 1, 2^k, 2^k + 1) up to the top of the range, and values between them.
  for (let k = 0; k < 32; k++) for (const d of [-1, 0, 1]) values.push(2 ** k + d);
  let x = 5;
  for (let i = 0; i < 20_000; i++) { x = (x * 48271) % 2147483647; values.push(1 + (x % 100_000), 1 + (x * 3 % MAX_TRACKABLE_US)); }
  values.push(MAX_TRACKABLE_US, MAX_TRACKABLE_US + 5, 0, -3, 0.4, 1.5, 2047.5);
  for (const v of values) {
    recordUs(direct, v);
    viaHdr.recordValue(v < 1 ? 1 : v > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : Math.round(v));
  }
  assert.equal(direct.totalCount, values.length);
  assert.equal(encodeHistogram(direct), encodeHistogram(viaHdr));
  assert.equal(direct.maxValue, viaHdr.maxValue);
  assert.equal(direct.minNonZeroValue, viaHdr.minNonZeroValue);
  for (const p of [1, 50, 99, 99.99, 100]) assert.equal(direct.getValueAtPercentile(p), viaHdr.getValueAtPercentile(p));
  // After a reset (interval histograms are reused), min and max start over as hdr's do.
  direct.reset();
  recordUs(direct, 5000);
  assert.equal(direct.minNonZeroValue, 5000);
  assert.equal(direct.maxValue, 5000);
});
