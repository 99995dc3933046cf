import autocannon from 'autocannon';
import { percentile } from './lib.js';

// Load with autocannon, in the benchmark's process (the servers under load are child processes): a fixed number
// of connections, each sending its next request as soon as the previous answer is read, cycling through the
// URLs. A measured run is a fixed number of requests, all answered before it ends, so that every wait is in the
// figures: a run of fixed time would drop the requests still in flight — at 50 connections on a slow route, all
// of them, since the server shares its time among the 50 and answers them together. The number is sized from a
// short warm-up to take about `seconds`, at least two requests per connection. autocannon's summary has no p95,
// so the latency of every response is kept here.

export type CannonTarget = { base: string; cookie?: string; urls: readonly string[] };

export type CannonRun = {
  connections: number;
  requests: number;
  /** Requests that had no answer within `timeoutSeconds`. */
  timeouts: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
};

export type CannonOptions = { connections: number; seconds: number; runs: number; warmupSeconds: number };

/** Long enough for a queue of 50 requests of two seconds each: a slow answer is a figure, not an error. */
const timeoutSeconds = 300;

const round = (n: number | undefined, digits = 2) => (n === undefined ? NaN : Number(n.toFixed(digits)));

/** One autocannon run, of `amount` requests or else of `seconds`; every response must be 2xx. */
function run(
  target: CannonTarget,
  connections: number,
  length: { amount: number } | { seconds: number },
  samples?: number[],
): Promise<CannonRun> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = samples ?? [];
    const requests: autocannon.Request[] = target.urls.map((path) => ({ method: 'GET', path }));
    let clients = 0;
    const instance = autocannon(
      {
        url: target.base,
        connections,
        ...('amount' in length ? { amount: length.amount } : { duration: length.seconds }),
        // How often autocannon checks whether the run is over (its default, 1 s, would stretch short runs).
        sampleInt: 100,
        timeout: timeoutSeconds,
        headers: target.cookie ? { cookie: target.cookie } : {},
        requests,
        // Each connection starts at another URL: in a short run they would otherwise all ask for the first ones.
        setupClient: (client) => {
          const offset = Math.floor((clients++ * requests.length) / connections);
          client.setRequests([...requests.slice(offset), ...requests.slice(0, offset)]);
        },
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        // A refused or failed request means the setup is wrong (a session, a URL): stop rather than measure it.
        if (result.errors > result.timeouts || result.non2xx > 0) {
          return reject(
            new Error(`${target.base}${target.urls[0]}: ${result.non2xx} non-2xx, ${result.errors} errors`),
          );
        }
        const sorted = latencies.sort((a, b) => a - b);
        const elapsed = result.duration;
        resolve({
          connections,
          requests: sorted.length,
          timeouts: result.timeouts,
          seconds: round(elapsed, 2),
          rps: Math.round(sorted.length / elapsed),
          p50: round(percentile(sorted, 50)),
          p95: round(percentile(sorted, 95)),
          p99: round(percentile(sorted, 99)),
          max: round(sorted[sorted.length - 1]),
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

/**
 * After the warm-up (a run of fixed time), autocannon has dropped the requests in flight, but the server still
 * works through them: one more request, waited for, lets that backlog clear before the measured runs.
 */
async function drain(target: CannonTarget): Promise<void> {
  const response = await fetch(`${target.base}${target.urls[0]}`, {
    headers: target.cookie ? { cookie: target.cookie } : {},
  });
  await response.arrayBuffer();
}

/** The warm-up: its rate sizes the measured runs (requests for about `seconds` each, ≥ 2 per connection). */
async function warmUp(target: CannonTarget, connections: number, options: CannonOptions): Promise<number> {
  const warm = await run(target, connections, { seconds: options.warmupSeconds });
  await drain(target);
  return Math.max(connections * 2, Math.round(warm.rps * options.seconds));
}

/** A warm-up (not counted), then `runs` measured runs of about `seconds` each. */
export async function cannon(target: CannonTarget, options: CannonOptions): Promise<CannonRun[]> {
  const amount = await warmUp(target, options.connections, options);
  const out: CannonRun[] = [];
  for (let i = 0; i < options.runs; i++) out.push(await run(target, options.connections, { amount }));
  return out;
}

/**
 * Several targets loaded at once (two instances of the server), the connections split between them; one figure
 * per run for all of them together: requests of all targets over the run's time, latencies of all responses.
 */
export async function cannonTogether(
  targets: readonly CannonTarget[],
  options: CannonOptions,
): Promise<{ combined: CannonRun[]; each: CannonRun[][] }> {
  const split = (i: number) =>
    Math.floor(options.connections / targets.length) + (i < options.connections % targets.length ? 1 : 0);
  const amounts = await Promise.all(targets.map((t, i) => warmUp(t, split(i), options)));
  const combined: CannonRun[] = [];
  const each: CannonRun[][] = targets.map(() => []);
  for (let r = 0; r < options.runs; r++) {
    const samples: number[][] = targets.map(() => []);
    const runs = await Promise.all(targets.map((t, i) => run(t, split(i), { amount: amounts[i] }, samples[i])));
    runs.forEach((one, i) => each[i].push(one));
    const all = samples.flat().sort((a, b) => a - b);
    const seconds = Math.max(...runs.map((one) => one.seconds));
    combined.push({
      connections: options.connections,
      requests: all.length,
      timeouts: runs.reduce((sum, one) => sum + one.timeouts, 0),
      seconds,
      // All requests over the time until the last instance finished its share.
      rps: Math.round(all.length / seconds),
      p50: round(percentile(all, 50)),
      p95: round(percentile(all, 95)),
      p99: round(percentile(all, 99)),
      max: round(all[all.length - 1]),
    });
  }
  return { combined, each };
}
