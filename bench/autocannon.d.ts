// The little of autocannon's API the benchmark uses: the package has no types of its own.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  export interface Options {
    url: string
    connections?: number
    /** Seconds. */
    duration?: number
    pipelining?: number
    timeout?: number
    headers?: Record<string, string>
    method?: string
  }

  export interface Stats {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total: number
  }

  export interface Result {
    requests: Stats
    latency: Stats
    throughput: Stats
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
    statusCodeStats: Record<string, { count: number }>
    /** Seconds. */
    duration: number
  }

  export interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void
  }

  export default function autocannon(options: Options): Instance
}
