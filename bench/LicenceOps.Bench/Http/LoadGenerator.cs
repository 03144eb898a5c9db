using System.Diagnostics;

namespace LicenceOps.Bench.Http;

/// <summary>What one scenario measured: requests per second and latency percentiles over every request.</summary>
internal sealed record LoadResult(string Name, int Connections, long Requests, long Failures, double Seconds, double P50Ms, double P99Ms, double MaxMs, long Bytes, string? FirstFailure)
{
    public double RequestsPerSecond => Requests / Seconds;

    /// <summary>CPU time the host used during the scenario (all threads, user + system).</summary>
    public TimeSpan HostCpu { get; init; }

    /// <summary>The host's CPU cost of one request, in microseconds.</summary>
    public double HostCpuPerRequestUs => HostCpu.TotalMicroseconds / Math.Max(1, Requests);

    /// <summary>Set for the person-write scenario: the lag of the outbox messages its writes produced.</summary>
    public OutboxLagResult? OutboxLag { get; init; }
}

/// <summary>
/// A closed-loop load generator: <c>connections</c> workers each send the next request as soon as the previous
/// answer is read, for a fixed time and at most a fixed number of requests, so a slow host cannot make the bench
/// run forever. Latencies are kept per request (bounded by the request cap) for exact percentiles.
/// </summary>
internal static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(
        string name, HttpClient client, int connections, TimeSpan duration, int maxRequests,
        Func<long, HttpRequestMessage> request, Func<HttpResponseMessage, bool>? accept = null)
    {
        accept ??= response => response.IsSuccessStatusCode;
        var latencies = new double[maxRequests];
        long issued = -1;
        long completed = 0;
        long failures = 0;
        long bytes = 0;
        string? firstFailure = null;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            while (clock.Elapsed < duration)
            {
                var n = Interlocked.Increment(ref issued);
                if (n >= maxRequests)
                {
                    return;
                }
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var message = request(n);
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await response.Content.ReadAsStreamAsync();
                    int read;
                    long length = 0;
                    while ((read = await body.ReadAsync(buffer)) > 0)
                    {
                        length += read;
                    }
                    Interlocked.Add(ref bytes, length);
                    if (!accept(response))
                    {
                        Interlocked.Increment(ref failures);
                        Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode} {response.ReasonPhrase}", null);
                    }
                }
                catch (HttpRequestException e)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, e.Message, null);
                }
                latencies[n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Interlocked.Increment(ref completed);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;

        var done = (int)Math.Min(Interlocked.Read(ref completed), maxRequests);
        var sorted = latencies.Where(l => l > 0).Take(done).ToArray();
        Array.Sort(sorted);
        return new LoadResult(name, connections, sorted.Length, failures, seconds,
            Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1], bytes, firstFailure);
    }

    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
