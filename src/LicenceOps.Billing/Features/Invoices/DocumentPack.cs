using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LicenceOps.Billing.Features.Invoices;

/// <summary>
/// ADR 0099: issued PDFs of an embedded (SQLite) Billing database kept in
/// one append-only file beside it, <c>billing.pdfpack</c>, instead of in <c>invoice_documents.content</c>. A PDF's bytes are
/// written once, by one positional write per store transaction, where SQLite wrote them twice (about 13 WAL frames, then the
/// checkpoint's copy into the database file) and read them once more (the checkpoint's read of those frames). The row keeps the
/// offset, the length and the SHA-256; a read checks the hash.
/// </summary>
/// <remarks>
/// <para>Appends happen inside the store's write transaction, so under SQLite's write lock: one writer at a time, in this process
/// (the write gate, ADR 0032) and across processes (the lock itself). The offset is the file's length read under that lock, so the
/// bytes of a transaction that rolled back or never committed (a crash between the write and the commit) stay in the file,
/// unnamed by any row, and are never overwritten.</para>
/// <para>A process crash (kill -9) loses nothing: the bytes were written before the commit that names them, into the operating
/// system's page cache, which outlives the process. A power loss is where a second file differs from SQLite's own: under
/// <c>synchronous = NORMAL</c> the kernel may write a commit's WAL frames to disk before the pack's pages. The background
/// checkpointer syncs the pack before each pass (<see cref="Sync"/>, through <c>ModuleDatabase.SyncBeforeCheckpoint</c>), so
/// that every row the checkpoint makes durable has its bytes on disk; a row committed after that sync whose frames reach the
/// disk by the kernel's own write-back before a power loss can still outlive its bytes: its hash then fails on read and the
/// document is printed again from its stored rows, which print the same bytes (ADR 0064; InvoiceRunTests).</para>
/// </remarks>
public sealed class DocumentPack : IDisposable
{
    private readonly Lock opening = new();
    private SafeFileHandle? handle;
    private int appendedSinceSync;
    private bool disposed;

    public DocumentPack(string path)
    {
        Path = path;
    }

    /// <summary>The pack of the SQLite database at <paramref name="databaseFile"/>: the same name with the extension <c>.pdfpack</c>.</summary>
    public static string PathFor(string databaseFile) => System.IO.Path.ChangeExtension(databaseFile, ".pdfpack");

    public string Path { get; }

    /// <summary>
    /// Appends <paramref name="documents"/> one after the other in one positional write at the file's end; returns the offset of
    /// the first. Call inside the write transaction whose rows will name these bytes, before its statements.
    /// </summary>
    public long Append(IReadOnlyList<ReadOnlyMemory<byte>> documents)
    {
        var file = Handle();
        var offset = RandomAccess.GetLength(file);
        RandomAccess.Write(file, documents, offset);
        Volatile.Write(ref appendedSinceSync, 1);
        return offset;
    }

    /// <summary>
    /// The <paramref name="length"/> bytes at <paramref name="offset"/>, or null when the file is missing or shorter (a pack not
    /// restored with its database, or bytes lost to a power loss that the file's length did not survive).
    /// </summary>
    public byte[]? Read(long offset, int length)
    {
        if (Existing() is not { } file)
        {
            return null;
        }
        var bytes = GC.AllocateUninitializedArray<byte>(length);
        var read = 0;
        while (read < length)
        {
            var n = RandomAccess.Read(file, bytes.AsSpan(read), offset + read);
            if (n == 0)
            {
                return null;
            }
            read += n;
        }
        return bytes;
    }

    /// <summary>Forces what was appended since the last call to the disk (the background checkpointer's thread, before a pass).</summary>
    public void Sync()
    {
        if (Interlocked.Exchange(ref appendedSinceSync, 0) == 1 && handle is { } file)
        {
            try
            {
                RandomAccess.FlushToDisk(file);
            }
            catch
            {
                // Not synced: the next pass tries again (its checkpointer logs the failure and keeps the WAL).
                Volatile.Write(ref appendedSinceSync, 1);
                throw;
            }
        }
    }

    private SafeFileHandle? Existing()
    {
        if (handle is { } open)
        {
            return open;
        }
        return File.Exists(Path) ? Handle() : null;
    }

    private SafeFileHandle Handle()
    {
        if (handle is { } open)
        {
            return open;
        }
        lock (opening)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (handle is null)
            {
                var created = !File.Exists(Path);
                var file = File.OpenHandle(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
                if (created)
                {
                    // The new file's name must survive a power loss as its bytes will: the directory's entry is synced once.
                    SyncDirectory(System.IO.Path.GetDirectoryName(Path)!);
                }
                handle = file;
            }
            return handle;
        }
    }

    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals the entry; Windows cannot open a directory to flush it.
        }
        var fd = Native.open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (Native.fsync(fd) != 0)
            {
                throw new IOException($"Cannot sync {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    public void Dispose()
    {
        lock (opening)
        {
            disposed = true;
            handle?.Dispose();
            handle = null;
        }
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        internal static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        internal static extern int fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        internal static extern int close(int fd);
    }
}
