using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace LicenceOps.BrowserTests;

/// <summary>
/// The real product host (LicenceOps.Host.dll, every module) as a child process on a free loopback port with its
/// own data directory, in the Production environment so the cookie settings are the ones users get.
/// </summary>
public sealed class PortalHost : IAsyncDisposable
{
    public const string Password = "browser-tests-password-42";

    private readonly Process process;
    private readonly StringBuilder output = new();

    private PortalHost(Process process, Uri baseAddress, string dataDirectory)
    {
        this.process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

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

    /// <param name="settings">Extra configuration (<c>Modules</c>, the bus, a shared signing key...) passed as
    /// command-line settings, which win over appsettings.json like they do for an operator.</param>
    /// <param name="port">The port to listen on: a distributed layout knows its hosts' addresses before they start.</param>
    public static async Task<PortalHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, int? port = null, string? dataDirectory = null)
    {
        var listen = port ?? FreePort();
        var data = dataDirectory ?? NewDataDirectory();
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = data,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LicenceOps.Host.dll"));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{listen}");
        start.ArgumentList.Add($"--Storage:DataDirectory={data}");
        start.ArgumentList.Add("--Auth:TokenRequestsPerMinute=1000");
        // host.log (kept in artifacts/browser) tells when each request came and how long it took: what a page that timed
        // out in a test was waiting for. The timestamp format is read only once the formatter is named.
        start.ArgumentList.Add("--Logging:Console:FormatterName=simple");
        start.ArgumentList.Add("--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ");
        start.ArgumentList.Add("--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["LICENCEOPS_ADMIN_PASSWORD"] = Password;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var child = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var host = new PortalHost(child, new Uri($"http://127.0.0.1:{listen}/"), data);
        child.OutputDataReceived += (_, e) => host.Append(e.Data);
        child.ErrorDataReceived += (_, e) => host.Append(e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        await host.WaitUntilReadyAsync();
        return host;
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<string> TokenAsync(string email)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("api/auth/token", new { email, password = Password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the dying process: the temp folder is cleaned by the OS later.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = Client();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The host did not become ready:\n{Output}");
    }

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "licenceops-browser-" + Guid.NewGuid().ToString("N"));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
