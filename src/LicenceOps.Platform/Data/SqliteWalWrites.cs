using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace LicenceOps.Platform.Data;

/// <summary>
/// Writes a WAL transaction's frames with one system call per transaction instead of two per page (ADR 0076). SQLite's
/// unix VFS writes each WAL frame as two <c>pwrite</c> calls, its 24-byte header and then its page; on this project's VMs
/// a call costs about 1.5 µs of kernel time before it copies a byte, so an invoice run's 25 frames per invoice cost 50
/// calls (docs/performance.md, feat/i16ok). This VFS is SQLite's own "unix" VFS with three methods of a WAL file changed:
/// <c>xWrite</c> gathers contiguous writes in a buffer, and the buffer is written when the frame that commits a transaction
/// is complete (the header of a commit frame carries the database's size, other frames carry 0), before SQLite publishes
/// the commit in the WAL index; when it is full; and before anything else reads, syncs, sizes, truncates or closes the file.
/// <para>
/// What readers and a crash see is unchanged: another connection reads only frames published in the WAL index, and a
/// commit is published after its frames were written (as before, into the operating system's page cache, synced at
/// checkpoints: docs/operations.md). Frames of a transaction not yet committed (pages SQLite spilled from a full cache) may
/// sit in the buffer only while their connection holds the WAL's write lock; if the transaction rolls back, the buffer is
/// dropped when that lock is released (the main database file's <c>xShmLock</c>), because once another writer may restart
/// the WAL those offsets are no longer this transaction's. SQLite would have written them and ignored them (beyond the last
/// commit, their checksums do not chain); not writing them changes nothing a reader or a recovery reads.
/// </para>
/// </summary>
internal static unsafe class SqliteWalWrites
{
    /// <summary>The VFS's name; registered as the process's default, so every connection opened after it uses it.</summary>
    public const string VfsName = "unix-walbuffer";

    /// <summary>
    /// The most a connection gathers before writing: 30 frames of 4 KiB pages (a 50 KB PDF is 13). The unix VFS writes at most
    /// 128 KiB − 1 bytes per call (its <c>seekAndWriteFd</c> masks the length with 0x1ffff), so a buffer is kept below that.
    /// </summary>
    internal const int BufferBytes = 124 * 1024;

    private const int SqliteOk = 0;
    private const int SqliteIoErrWrite = 10 | (3 << 8);
    private const int OpenMainDb = 0x00000100;
    private const int OpenWal = 0x00080000;
    private const int ShmUnlock = 1;
    private const int ShmExclusive = 8;
    private const int WalWriteLock = 0;
    private const int FrameHeaderBytes = 24;

    // sqlite3_vfs (version 3) and sqlite3_io_methods (version 3) on a 64-bit build: byte offsets of the fields used.
    private const int VfsSize = 168, VfsSzOsFile = 4, VfsPNext = 16, VfsZName = 24, VfsXOpen = 40;
    private const int IoSize = 152, IoXClose = 8, IoXRead = 16, IoXWrite = 24, IoXTruncate = 32, IoXSync = 40, IoXFileSize = 48, IoXShmLock = 112;

    private static readonly Lock Sync = new();
    private static readonly Dictionary<string, int> DatabaseIds = new(StringComparer.Ordinal);
    // Per database: the WAL file state holding uncommitted frames (at most one: the holder of the write lock).
    private static readonly Dictionary<int, nint> Uncommitted = [];

    private static byte* unixVfs;
    private static int stateOffset;
    private static nint originalWalMethods;
    private static nint originalDatabaseMethods;
    private static byte* walMethods;
    private static byte* databaseMethods;
    private static long writeCalls;

    /// <summary>True once the VFS is the process's default (false if SQLite's "unix" VFS was not found).</summary>
    public static bool Registered { get; private set; }

    /// <summary>The <c>pwrite</c> calls this VFS made for WAL files since the process started (what tests count).</summary>
    public static long WalWriteCalls => Interlocked.Read(ref writeCalls);

    /// <summary>What a WAL file opened through this VFS keeps after SQLite's own file object.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FileState
    {
        public int DatabaseId;
        public byte* Buffer;
        public long Start;
        public int Length;
        public int CommitPending; // the last write was a commit frame's header: flush once its page follows
        public long CommitPageOffset;
    }

    /// <summary>Registers the VFS as the default. Called once per process, before its first connection opens.</summary>
    public static void Register()
    {
        byte* unix;
        fixed (byte* unixName = "unix\0"u8)
        {
            unix = sqlite3_vfs_find(unixName);
        }
        if (unix == null || Registered)
        {
            return;
        }
        unixVfs = unix;
        var unixFileSize = *(int*)(unix + VfsSzOsFile);
        stateOffset = (unixFileSize + 15) & ~15;

        var vfs = (byte*)NativeMemory.AllocZeroed(VfsSize);
        Buffer.MemoryCopy(unix, vfs, VfsSize, VfsSize);
        *(int*)(vfs + VfsSzOsFile) = stateOffset + sizeof(FileState);
        *(nint*)(vfs + VfsPNext) = 0;
        var name = Encoding.ASCII.GetBytes(VfsName + "\0");
        var nameCopy = (byte*)NativeMemory.Alloc((nuint)name.Length);
        name.CopyTo(new Span<byte>(nameCopy, name.Length));
        *(byte**)(vfs + VfsZName) = nameCopy;
        *(delegate* unmanaged<byte*, byte*, byte*, int, int*, int>*)(vfs + VfsXOpen) = &Open;
        Registered = sqlite3_vfs_register(vfs, 1) == SqliteOk;
    }

    [UnmanagedCallersOnly]
    private static int Open(byte* vfs, byte* name, byte* file, int flags, int* outFlags)
    {
        var unixOpen = *(delegate* unmanaged<byte*, byte*, byte*, int, int*, int>*)(unixVfs + VfsXOpen);
        var state = (FileState*)(file + stateOffset);
        *state = default;
        var rc = unixOpen(unixVfs, name, file, flags, outFlags);
        var methods = *(nint*)file;
        if (rc != SqliteOk || methods == 0 || name == null || (flags & (OpenMainDb | OpenWal)) == 0)
        {
            return rc;
        }
        try
        {
            lock (Sync)
            {
                var wal = (flags & OpenWal) != 0;
                // The unix VFS gives a WAL file its "no lock" methods and a database file its POSIX-locking ones: each kind's
                // first file sets what that kind's methods wrap; a file with any other methods is left as SQLite opened it.
                if (wal && originalWalMethods == 0)
                {
                    originalWalMethods = methods;
                    walMethods = CopyMethods(methods);
                    *(delegate* unmanaged<byte*, int>*)(walMethods + IoXClose) = &WalClose;
                    *(delegate* unmanaged<byte*, byte*, int, long, int>*)(walMethods + IoXRead) = &WalRead;
                    *(delegate* unmanaged<byte*, byte*, int, long, int>*)(walMethods + IoXWrite) = &WalWrite;
                    *(delegate* unmanaged<byte*, long, int>*)(walMethods + IoXTruncate) = &WalTruncate;
                    *(delegate* unmanaged<byte*, int, int>*)(walMethods + IoXSync) = &WalSync;
                    *(delegate* unmanaged<byte*, long*, int>*)(walMethods + IoXFileSize) = &WalFileSize;
                }
                else if (!wal && originalDatabaseMethods == 0)
                {
                    originalDatabaseMethods = methods;
                    databaseMethods = CopyMethods(methods);
                    *(delegate* unmanaged<byte*, int, int, int, int>*)(databaseMethods + IoXShmLock) = &DatabaseShmLock;
                }
                if (methods != (wal ? originalWalMethods : originalDatabaseMethods))
                {
                    return rc;
                }
                var path = Marshal.PtrToStringUTF8((nint)name)!;
                if (wal && path.EndsWith("-wal", StringComparison.Ordinal))
                {
                    path = path[..^4];
                }
                if (!DatabaseIds.TryGetValue(path, out var id))
                {
                    id = DatabaseIds.Count + 1;
                    DatabaseIds[path] = id;
                }
                state->DatabaseId = id;
                *(byte**)file = wal ? walMethods : databaseMethods;
            }
        }
        catch
        {
            // Left as SQLite opened it: unbuffered, as correct.
        }
        return rc;
    }

    private static byte* CopyMethods(nint methods)
    {
        var copy = (byte*)NativeMemory.Alloc(IoSize);
        Buffer.MemoryCopy((void*)methods, copy, IoSize, IoSize);
        return copy;
    }

    private static FileState* State(byte* file) => (FileState*)(file + stateOffset);

    private static delegate* unmanaged<byte*, byte*, int, long, int> OriginalWrite => *(delegate* unmanaged<byte*, byte*, int, long, int>*)((byte*)originalWalMethods + IoXWrite);

    [UnmanagedCallersOnly]
    private static int WalWrite(byte* file, byte* data, int amount, long offset)
    {
        var state = State(file);
        if (state->Buffer == null)
        {
            state->Buffer = (byte*)NativeMemory.Alloc(BufferBytes);
        }
        // Read before anything below can clear it: this write may be the page of the frame that commits.
        var commitPage = state->CommitPending != 0 && offset == state->CommitPageOffset;
        state->CommitPending = 0;
        var end = state->Start + state->Length;
        if (state->Length > 0 && (offset < state->Start || offset > end || offset + amount - state->Start > BufferBytes))
        {
            // Not within or right after what is gathered (or past the buffer): write that first, then start again here.
            var rc = Flush(file, state);
            if (rc != SqliteOk)
            {
                return rc;
            }
        }
        if (amount > BufferBytes)
        {
            return Written(OriginalWrite(file, data, amount, offset));
        }
        if (state->Length == 0)
        {
            state->Start = offset;
            MarkUncommitted(state, true);
        }
        Buffer.MemoryCopy(data, state->Buffer + (offset - state->Start), BufferBytes - (offset - state->Start), amount);
        state->Length = (int)Math.Max(state->Length, offset + amount - state->Start);

        if (commitPage)
        {
            // The page of the frame that commits: write the transaction before SQLite publishes it in the WAL index.
            return Flush(file, state);
        }
        if (amount == FrameHeaderBytes && (data[4] | data[5] | data[6] | data[7]) != 0)
        {
            // A frame header whose "database size after commit" is set: the frame that commits a transaction.
            state->CommitPending = 1;
            state->CommitPageOffset = offset + FrameHeaderBytes;
        }
        return SqliteOk;
    }

    private static int Written(int rc)
    {
        Interlocked.Increment(ref writeCalls);
        return rc;
    }

    private static int Flush(byte* file, FileState* state)
    {
        if (state->Length == 0)
        {
            return SqliteOk;
        }
        var rc = Written(OriginalWrite(file, state->Buffer, state->Length, state->Start));
        state->Length = 0;
        state->CommitPending = 0;
        MarkUncommitted(state, false);
        return rc == SqliteOk ? SqliteOk : SqliteIoErrWrite;
    }

    private static void MarkUncommitted(FileState* state, bool holding)
    {
        lock (Sync)
        {
            if (holding)
            {
                Uncommitted[state->DatabaseId] = (nint)state;
            }
            else if (Uncommitted.TryGetValue(state->DatabaseId, out var held) && held == (nint)state)
            {
                Uncommitted.Remove(state->DatabaseId);
            }
        }
    }

    [UnmanagedCallersOnly]
    private static int WalRead(byte* file, byte* data, int amount, long offset)
    {
        var rc = Flush(file, State(file));
        return rc != SqliteOk ? rc : (*(delegate* unmanaged<byte*, byte*, int, long, int>*)((byte*)originalWalMethods + IoXRead))(file, data, amount, offset);
    }

    [UnmanagedCallersOnly]
    private static int WalTruncate(byte* file, long size)
    {
        var rc = Flush(file, State(file));
        return rc != SqliteOk ? rc : (*(delegate* unmanaged<byte*, long, int>*)((byte*)originalWalMethods + IoXTruncate))(file, size);
    }

    [UnmanagedCallersOnly]
    private static int WalSync(byte* file, int flags)
    {
        var rc = Flush(file, State(file));
        return rc != SqliteOk ? rc : (*(delegate* unmanaged<byte*, int, int>*)((byte*)originalWalMethods + IoXSync))(file, flags);
    }

    [UnmanagedCallersOnly]
    private static int WalFileSize(byte* file, long* size)
    {
        var rc = Flush(file, State(file));
        return rc != SqliteOk ? rc : (*(delegate* unmanaged<byte*, long*, int>*)((byte*)originalWalMethods + IoXFileSize))(file, size);
    }

    [UnmanagedCallersOnly]
    private static int WalClose(byte* file)
    {
        var state = State(file);
        // Nothing committed is ever left here (a commit writes it); what is left belongs to a transaction that did not commit.
        Drop(state);
        if (state->Buffer != null)
        {
            NativeMemory.Free(state->Buffer);
            state->Buffer = null;
        }
        return (*(delegate* unmanaged<byte*, int>*)((byte*)originalWalMethods + IoXClose))(file);
    }

    private static void Drop(FileState* state)
    {
        state->Length = 0;
        state->CommitPending = 0;
        MarkUncommitted(state, false);
    }

    /// <summary>
    /// The main database file's shared-memory locks: when the WAL's write lock is released, a transaction ended. Had it
    /// committed, its frames were written already; frames still gathered are those of a transaction rolled back, dropped
    /// before another writer can take the lock (and perhaps restart the WAL over those offsets).
    /// </summary>
    [UnmanagedCallersOnly]
    private static int DatabaseShmLock(byte* file, int offset, int count, int flags)
    {
        if (offset == WalWriteLock && flags == (ShmUnlock | ShmExclusive))
        {
            nint held;
            lock (Sync)
            {
                Uncommitted.TryGetValue(State(file)->DatabaseId, out held);
            }
            if (held != 0)
            {
                Drop((FileState*)held);
            }
        }
        return (*(delegate* unmanaged<byte*, int, int, int, int>*)((byte*)originalDatabaseMethods + IoXShmLock))(file, offset, count, flags);
    }

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_vfs_find")]
    private static extern byte* sqlite3_vfs_find(byte* name);

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_vfs_register")]
    private static extern int sqlite3_vfs_register(byte* vfs, int makeDefault);
}
