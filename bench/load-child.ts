// Runs in a child process (see load.ts), so the load generator does not share the server's event
// loop. Argument: the JSON of a LoadRequest. Output: the JSON of a LoadResult on stdout.
import autocannon from 'autocannon'
import type { LoadRequest, LoadResult } from './load.ts'

const request = JSON.parse(process.argv[2] ?? '{}') as LoadRequest
const { url, headers, connections, durationSeconds, warmupSeconds } = request

if (warmupSeconds > 0) await autocannon({ url, headers, connections, duration: warmupSeconds })

// Our own latency record, in fractional milliseconds: autocannon's histogram keeps whole
// milliseconds and has no 95th percentile.
const latencies: number[] = []
const instance = autocannon({ url, headers, connections, duration: durationSeconds })
instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
  latencies.push(ms)
})
const result = await instance

latencies.sort((a, b) => a - b)
const percentile = (p: number) =>
  latencies.length ? (latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0) : 0
const statusCodes = Object.fromEntries(
  Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
)

const out: LoadResult = {
  rps: result.requests.mean,
  requests: latencies.length,
  seconds: result.duration,
  p50: percentile(50),
  p95: percentile(95),
  p99: percentile(99),
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
  statusCodes,
}
process.stdout.write(`${JSON.stringify(out)}\n`)
