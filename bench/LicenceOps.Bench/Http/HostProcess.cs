using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LicenceOps.Bench.Http;

/// <summary>
/// The product host as a child process on a loopback port with its own data directory, so the host's memory
/// is measured apart from the load generator's and the host is the same binary an operator runs.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;

    private HostProcess(Process process, Uri baseAddress, string dataDirectory)
    {
        this.process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public int ProcessId => process.Id;

    public static async Task<HostProcess> StartAsync(string dataDirectory, string adminPassword, TimeSpan startTimeout)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "LicenceOps.Host.dll");
        if (!File.Exists(hostDll))
        {
            throw new InvalidOperationException($"{hostDll} is missing: build the bench project (it references the host).");
        }

        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                hostDll,
                "--urls", baseAddress.ToString().TrimEnd('/'),
                "--Storage:DataDirectory=" + dataDirectory,
                "--Logging:LogLevel:Default=Warning",
                "--Jobs:RunServer=false",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.Environment["LICENCEOPS_ADMIN_PASSWORD"] = adminPassword;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the host.");
        // Drain the host's output so it never blocks on a full pipe; only errors are interesting here.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("host: " + line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new HostProcess(process, baseAddress, dataDirectory);
        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < startTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.ExitCode} while starting.");
            }
            try
            {
                if ((await probe.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }

        await host.DisposeAsync();
        throw new TimeoutException($"The host did not become ready within {startTimeout.TotalSeconds:0} s.");
    }

    /// <summary>Resident set size of the host process (VmRSS), the figure an operator's monitoring shows.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("VmRSS not found in /proc status.");
    }

    /// <summary>
    /// CPU time the host process has used so far, user + system, all threads (utime + stime of /proc/&lt;pid&gt;/stat, in
    /// clock ticks of 10 ms): divided by the requests of a scenario it is the host's cost per request, which other load
    /// on the machine does not inflate the way it inflates latency and deflates throughput.
    /// </summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
