using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace LicenceOps.IntegrationTests.Mail;

/// <summary>
/// A real SMTP server on loopback: Debian's python3-aiosmtpd running Mail/smtp_sink.py, which stores what it receives
/// byte for byte. scripts/test.sh installs the package when missing.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly Process process;

    private SmtpSink(Process process, int port, string directory)
    {
        this.process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    public string Directory { get; }

    /// <summary>Mail settings that point a host at this server.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Mail:Smtp:Host"] = "127.0.0.1",
        ["Mail:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mail:Smtp:Security"] = "None",
        ["Mail:PollIntervalSeconds"] = "0.2",
    };

    public static async Task<SmtpSink> StartAsync()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Mail", "smtp_sink.py");
        if (!File.Exists(Python) || !await HasAiosmtpdAsync())
        {
            Assert.Fail("python3-aiosmtpd is not installed: run scripts/test.sh (installs it as root on Debian) or apt-get install python3-aiosmtpd.");
        }

        var directory = Path.Combine(Path.GetTempPath(), "licenceops-smtp", Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var start = new ProcessStartInfo(Python, ["-u", script, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", directory])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != "READY")
        {
            var error = await process.StandardError.ReadToEndAsync();
            process.Kill();
            Assert.Fail($"The SMTP sink did not start: {ready} {error}");
        }

        return new SmtpSink(process, port, directory);
    }

    private static async Task<bool> HasAiosmtpdAsync()
    {
        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, UseShellExecute = false })!;
        await probe.WaitForExitAsync();
        return probe.ExitCode == 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>From now on the server accepts this "reject" address (its mailbox was fixed).</summary>
    public void Accept(string address) => File.AppendAllLines(Path.Combine(Directory, "accepted.txt"), [address]);

    public sealed record Received(MimeMessage Message, IReadOnlyList<string> EnvelopeRecipients, byte[] Raw);

    public IReadOnlyList<Received> All()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.GetFiles(Directory, "*.eml").Order(StringComparer.Ordinal).Select(path =>
        {
            var raw = File.ReadAllBytes(path);
            var envelope = File.ReadAllLines(Path.ChangeExtension(path, ".env"));
            using var stream = new MemoryStream(raw);
            return new Received(MimeMessage.Load(stream), envelope.Where(l => l.StartsWith("RCPT TO:", StringComparison.Ordinal)).Select(l => l[8..]).ToList(), raw);
        }).ToList();
    }

    /// <summary>The first received message matching, waiting for the dispatcher (real time) to deliver it.</summary>
    public async Task<Received> WaitForAsync(Func<MimeMessage, bool> match, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (All().FirstOrDefault(r => match(r.Message)) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"No message arrived at the SMTP server: {because}. Received: {string.Join("; ", All().Select(r => r.Message.Subject))}");
        throw new InvalidOperationException("unreachable");
    }

    public void Dispose()
    {
        try
        {
            // Closing stdin ends the script cleanly; kill only if it does not go.
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
