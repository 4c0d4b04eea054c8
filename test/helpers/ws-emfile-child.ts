/**
 * Child process for the EMFILE test: runs a plan opening more WebSocket
 * connections than its (lowered) open-file limit allows against the target
 * in argv[2], and prints one JSON line with the counters and log lines.
 */
import { runInline } from './run-inline.ts';

const target = process.argv[2]!;
const r = await runInline({ target, phases: [{ duration: 1, arrivalCount: Number(process.argv[3] ?? 400) }] }, [{
  name: 'many', engine: 'ws', flow: [{ connect: '/ws/events' }, { hold: '1500ms' }, { close: null }],
}]);
process.stdout.write(`${JSON.stringify({ counters: r.summary.counters, peak: r.summary.gaugePeaks.ws_connections, logs: r.logs })}\n`);
