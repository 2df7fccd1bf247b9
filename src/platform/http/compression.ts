import zlib from 'node:zlib'

/**
 * How pages are compressed, by the app and by the benchmark's template-only baseline alike.
 * Brotli at its default quality 11 costs more CPU than rendering the page; quality 4 is faster
 * than gzip and still smaller. Pages are compressed synchronously up to 512 KiB: a 57 KB meeting
 * page takes 0.3 ms that way, against about 1.4 ms through the stream pipeline and the libuv
 * threadpool (which @fastify/compress prefers above 8 KiB on a 2-core machine, where the pool's
 * threads compete with PostgreSQL for the same cores).
 */
export const compressionOptions = {
  global: true,
  threshold: 1024,
  syncThreshold: 512 * 1024,
  brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
}
