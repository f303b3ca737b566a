-- wrk reporting hook (bench/throughput.sh): one line of figures per run, with the 95th percentile that
-- wrk's --latency table leaves out. Latencies are in microseconds inside wrk; printed here in ms.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50=%.1f p90=%.1f p95=%.1f p99=%.1f max=%.1f errors=%d non2xx=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status))
end
