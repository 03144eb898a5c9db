using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LicenceOps.IntegrationTests.Support;

/// <summary>
/// A private Dovecot IMAP server (Debian's dovecot-imapd) on a free loopback port with implicit TLS: its own config,
/// base directory, mailboxes and one user, nothing shared with a system Dovecot. scripts/test.sh installs the package.
/// </summary>
public sealed class DovecotServer : IDisposable
{
    public const string Binary = "/usr/sbin/dovecot";
    public const string User = "support@hotline.test";
    public const string Password = "imap-test-password-7c1e";

    private readonly string directory;
    private readonly string config;

    private readonly Process master;

    private DovecotServer(string directory, string config, int port, Process master)
    {
        this.master = master;
        this.directory = directory;
        this.config = config;
        Port = port;
    }

    public int Port { get; }

    public static async Task<DovecotServer> StartAsync(string certificatePem, string keyPem)
    {
        if (!File.Exists(Binary))
        {
            Assert.Fail("dovecot-imapd is not installed: run scripts/test.sh (installs it as root on Debian) or apt-get install dovecot-imapd.");
        }

        var directory = Path.Combine(Path.GetTempPath(), "licenceops-imap", Guid.NewGuid().ToString("N"));
        foreach (var sub in new[] { "run", "state", "home" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        var port = FreePort();
        // Mail is stored as "nobody": Dovecot never accesses mailboxes as root.
        await RunAsync("chown", "nobody:nogroup", Path.Combine(directory, "home"));
        await File.WriteAllTextAsync(Path.Combine(directory, "users"), $"{User}:{{PLAIN}}{Password}\n");
        var config = Path.Combine(directory, "dovecot.conf");
        await File.WriteAllTextAsync(config, $$"""
            protocols = imap
            listen = 127.0.0.1
            base_dir = {{directory}}/run
            state_dir = {{directory}}/state
            instance_name = licenceops-test-{{Path.GetFileName(directory)}}
            log_path = {{directory}}/dovecot.log
            ssl = required
            ssl_cert = <{{certificatePem}}
            ssl_key = <{{keyPem}}
            auth_mechanisms = plain login
            mail_location = maildir:{{directory}}/home/%u/Maildir
            first_valid_uid = 1
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{directory}}/users
            }
            userdb {
              driver = static
              args = uid=nobody gid=nogroup home={{directory}}/home/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                port = 0
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = {{port}}
              }
            }
            service anvil {
              chroot =
            }
            """);
        // In the foreground (-F) as our child: no daemon outlives the test run, and no inherited pipe keeps us waiting.
        var master = Process.Start(new ProcessStartInfo(Binary, ["-F", "-c", config]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("dovecot did not start");
        var server = new DovecotServer(directory, config, port, master);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (SocketException)
            {
                var log = File.Exists(Path.Combine(directory, "dovecot.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "dovecot.log")) : "";
                server.Dispose();
                Assert.Fail($"Dovecot did not listen on {port}: {log}");
            }
        }
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        // "dovecot stop" ends this instance only: it reads the master pid from this config's base_dir.
        using (var stop = Process.Start(new ProcessStartInfo(Binary, ["-c", config, "stop"]) { UseShellExecute = false, RedirectStandardError = true })!)
        {
            stop.WaitForExit(10_000);
        }

        if (!master.WaitForExit(10_000))
        {
            master.Kill(entireProcessTree: true);
        }

        master.Dispose();

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
