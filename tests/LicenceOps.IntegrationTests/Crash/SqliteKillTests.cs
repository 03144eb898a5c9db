using System.Diagnostics;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Crash;

/// <summary>
/// Under WAL with <c>synchronous = NORMAL</c> a process crash loses nothing committed (docs/operations.md). A child process
/// (tests/LicenceOps.CrashWriter) commits numbered transactions of PDF-sized blobs through the product's SQLite setup (a
/// module database's connections, the VFS of ADR 0076, the background checkpointer); this test reads the last committed
/// number from its own connection, kills the child with SIGKILL at a random moment, and reads again: SQLite's recovery must
/// give back at least that number. The child's transactions spill pages to the WAL and change them again before they
/// commit, the case that lost commits before fix/walkill (ADR 0076's addendum): there, nearly every kill lost the commits
/// since the WAL last restarted.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SqliteKillTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);
    private const int MinimumKills = 5;

    private string directory = "";
    private string file = "";

    [SetUp]
    public void NewData()
    {
        directory = LicenceOpsFactory.NewDataDirectory();
        file = Path.Combine(directory, "crash.db");
    }

    [TearDown]
    public void DeleteData() => LicenceOpsFactory.DeleteQuietly(directory);

    [Test]
    public async Task A_number_committed_and_read_by_another_process_is_still_there_after_its_writer_is_killed()
    {
        var random = new Random();
        var watch = Stopwatch.StartNew();
        var kills = 0;
        var killedMidRun = 0;
        while (kills < MinimumKills || watch.Elapsed < Budget)
        {
            using var writer = StartWriter(out var started);
            var first = await ReadyAsync(writer, started);
            var seen = first;
            var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(random.Next(300, 1500));
            while (DateTime.UtcNow < until)
            {
                seen = Math.Max(seen, await NumberAsync());
            }
            writer.Kill(entireProcessTree: true);
            Assert.That(writer.WaitForExit(10_000), Is.True, "the writer died");
            kills++;

            // Opened after the kill: no process has the database open, so SQLite rebuilds the WAL index from the WAL file.
            var after = await NumberAsync();
            TestContext.Out.WriteLine($"kill {kills}: started at {first}, read {seen} before the kill, {after} after it");
            Assert.That(after, Is.GreaterThanOrEqualTo(seen), $"kill {kills}: commit {seen}, read by this process before the kill, survives it");
            if (seen > first)
            {
                killedMidRun++;
            }
        }
        Assert.That(killedMidRun, Is.GreaterThanOrEqualTo(MinimumKills), "kills that landed after the writer had committed, while it was committing more");
        await using var connection = await OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    private Process StartWriter(out TaskCompletionSource<long> started)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LicenceOps.CrashWriter.dll"));
        start.ArgumentList.Add(file);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var ready = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("ready at ", StringComparison.Ordinal))
            {
                ready.TrySetResult(long.Parse(line["ready at ".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                TestContext.Out.WriteLine($"writer: {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        started = ready;
        return process;
    }

    private static async Task<long> ReadyAsync(Process writer, TaskCompletionSource<long> started)
    {
        var timeout = Task.Delay(TimeSpan.FromSeconds(60));
        if (await Task.WhenAny(started.Task, timeout) == timeout)
        {
            writer.Kill(entireProcessTree: true);
            Assert.Fail("the writer did not start within 60 s");
        }
        return await started.Task;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        // The file read directly, as InvoiceRunCrashTests reads the host's; no pooling, so nothing stays open.
        var connection = new SqliteConnection($"Data Source={file};Pooling=False;Default Timeout=30");
        await connection.OpenAsync();
        return connection;
    }

    private async Task<long> NumberAsync()
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT number FROM progress WHERE id = 1");
    }
}
