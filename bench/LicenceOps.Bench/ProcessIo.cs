using System.Globalization;

namespace LicenceOps.Bench;

/// <summary>
/// The bytes this process has handed to write and pread/read system calls so far (Linux <c>/proc/self/io</c>: <c>wchar</c>,
/// <c>rchar</c>, and the calls' counts), sockets and files alike. SQLite's WAL appends, its checkpoints' copies and its page
/// reads all go through these calls, so a pass's difference says how much it stored and re-read; unlike CPU, it does not move
/// with the machine's load.
/// </summary>
internal readonly record struct ProcessIo(long BytesWritten, long BytesRead, long Writes, long Reads)
{
    public static ProcessIo Now()
    {
        long wchar = 0, rchar = 0, syscw = 0, syscr = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
            {
                var colon = line.IndexOf(':');
                if (colon < 0 || !long.TryParse(line.AsSpan(colon + 1).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    continue;
                }
                switch (line[..colon])
                {
                    case "wchar": wchar = value; break;
                    case "rchar": rchar = value; break;
                    case "syscw": syscw = value; break;
                    case "syscr": syscr = value; break;
                }
            }
        }
        catch (IOException)
        {
            // Not Linux, or /proc not mounted: the figures print as zero rather than fail the bench.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return new(wchar, rchar, syscw, syscr);
    }

    public static ProcessIo operator -(ProcessIo a, ProcessIo b) =>
        new(a.BytesWritten - b.BytesWritten, a.BytesRead - b.BytesRead, a.Writes - b.Writes, a.Reads - b.Reads);

    /// <summary>The same figures divided by <paramref name="items"/> (per invoice, per account), with the total.</summary>
    public string PerItem(int items, string item)
    {
        var n = Math.Max(1, items);
        return string.Create(CultureInfo.InvariantCulture,
            $"{this}; per {item} {BytesWritten / 1024.0 / n:0.0} KiB written in {(double)Writes / n:0.0} calls, {BytesRead / 1024.0 / n:0.0} KiB read in {(double)Reads / n:0.0} calls");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{BytesWritten / 1048576.0:0.0} MiB written in {Writes:N0} calls, {BytesRead / 1048576.0:0.0} MiB read in {Reads:N0} calls");
}
