using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace LicenceOps.IntegrationTests.Infrastructure;

/// <summary>
/// The product's own executable (LicenceOps.Host.dll) run by `dotnet` as a child process, so a crash test can
/// kill it for real (SIGKILL: no shutdown hook, no flush, no disposal) and start it again over the same data.
/// </summary>
public sealed class ChildProcessHost : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ChildProcessHost(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<ChildProcessHost> StartAsync(string dataDirectory, IDictionary<string, string?>? settings = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LicenceOps.Host.dll"));
        var arguments = new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Identity:AdminPassword"] = LicenceOpsFactory.AdminPassword,
            ["Auth:TokenRequestsPerMinute"] = "100000",
            ["Jobs:RunServer"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            arguments[key] = value;
        }
        foreach (var (key, value) in arguments)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var host = new ChildProcessHost(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"The host exited with code {process.ExitCode} while starting:\n{host.Output}");
            }
            try
            {
                if ((await client.GetAsync("/health/live")).StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }
            if (DateTime.UtcNow > deadline)
            {
                host.Kill();
                Assert.Fail($"The host did not answer /health/live within 180 s:\n{host.Output}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILL, as `kill -9` does: the process gets no chance to finish anything.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <param name="tokenFrom">the host that runs Identity, when this one does not (tokens are valid on every host sharing the key)</param>
    public async Task<HttpClient> StaffClientAsync(Uri? tokenFrom = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        using var identity = new HttpClient { BaseAddress = tokenFrom ?? BaseAddress };
        var response = await identity.PostAsJsonAsync("/api/auth/token", new { email = LicenceOpsFactory.AdminEmail, password = LicenceOpsFactory.AdminPassword });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var token = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["access_token"].ToString());
        return client;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            // Keep the tail only: a long run must not hold every log line in memory.
            if (output.Length > 200_000)
            {
                output.Remove(0, 100_000);
            }
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
