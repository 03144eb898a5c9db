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
/// <para>
/// A checkpoint's copies are gathered too (ADR 0076's addendum of 2026-12-02, feat/i16ck): between the two file controls
/// SQLite's checkpoint sends the database file around its copy loop (<c>SQLITE_FCNTL_CKPT_START</c>, <c>_CKPT_DONE</c>), the
/// database file's page writes, which come in page order, are gathered while contiguous and written at <c>CKPT_DONE</c>,
/// before the checkpoint publishes its progress (whatever the connection's <c>synchronous</c>); and the checkpoint's reads of
/// consecutive WAL frames are read ahead. Until that progress is published every reader reads those pages from the WAL.
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
    private const int FileControlCheckpointDone = 37; // SQLITE_FCNTL_CKPT_DONE
    private const int FileControlCheckpointStart = 39; // SQLITE_FCNTL_CKPT_START
    private const int OpenMainDb = 0x00000100;
    private const int OpenWal = 0x00080000;
    private const int ShmUnlock = 1;
    private const int ShmExclusive = 8;
    private const int WalWriteLock = 0;
    private const int FrameHeaderBytes = 24;

    // sqlite3_vfs (version 3) and sqlite3_io_methods (version 3) on a 64-bit build: byte offsets of the fields used.
    private const int VfsSize = 168, VfsSzOsFile = 4, VfsPNext = 16, VfsZName = 24, VfsXOpen = 40;
    private const int IoSize = 152, IoXClose = 8, IoXRead = 16, IoXWrite = 24, IoXTruncate = 32, IoXSync = 40, IoXFileSize = 48, IoXFileControl = 80,
        IoXShmLock = 112, IoXFetch = 136;

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
    private static long databaseWriteCalls;

    // The checkpoint this thread is running (SQLite runs one inside a single call): its database, and the WAL file whose
    // read-ahead buffer must be forgotten when it ends.
    [ThreadStatic] private static int checkpointDatabase;
    [ThreadStatic] private static nint checkpointWal;

    // Set by the background checkpointer around its own checkpoints, so that the others (a committing writer's past
    // SqliteSession.FallbackCheckpointPages, anything else that checkpoints) are counted per database (ADR 0088).
    [ThreadStatic] private static bool backgroundCheckpoint;
    private static readonly Dictionary<int, long> OtherCheckpoints = [];

    /// <summary>True once the VFS is the process's default (false if SQLite's "unix" VFS was not found).</summary>
    public static bool Registered { get; private set; }

    /// <summary>The <c>pwrite</c> calls this VFS made for WAL files since the process started (what tests count).</summary>
    public static long WalWriteCalls => Interlocked.Read(ref writeCalls);

    /// <summary>The <c>pwrite</c> calls this VFS made for database files' gathered checkpoint copies since the process started.</summary>
    public static long CheckpointWriteCalls => Interlocked.Read(ref databaseWriteCalls);

    /// <summary>
    /// Checkpoints that copied frames into <paramref name="databasePath"/>'s file since the process started, run by anything
    /// but <see cref="SqliteCheckpointer"/>: in the product, a committing writer whose WAL passed the fallback size (ADR 0037,
    /// ADR 0088). Counted at <c>SQLITE_FCNTL_CKPT_START</c>, which SQLite sends only when a checkpoint has frames to copy.
    /// </summary>
    public static long CheckpointsOutsideTheCheckpointer(string databasePath)
    {
        lock (Sync)
        {
            return DatabaseIds.TryGetValue(Path.GetFullPath(databasePath), out var id) ? OtherCheckpoints.GetValueOrDefault(id) : 0;
        }
    }

    /// <summary>Marks the calling thread's checkpoints as the background checkpointer's until the answer is disposed.</summary>
    internal static BackgroundCheckpointScope RunningBackgroundCheckpoint()
    {
        backgroundCheckpoint = true;
        return default;
    }

    internal readonly struct BackgroundCheckpointScope : IDisposable
    {
        public void Dispose() => backgroundCheckpoint = false;
    }

    /// <summary>
    /// Tests only: called at the end of a checkpoint's copies, before the gathered pages are written, with their bytes. A
    /// reader started here sees the database as SQLite publishes it: the checkpoint has not yet published its progress.
    /// </summary>
    internal static Action<int>? BeforeCheckpointWritten { get; set; }

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
        // A database file: between a checkpoint's start and end, its copies are gathered in Buffer (Start, Length).
        public int Gathering;
        // A WAL file read by a checkpoint: frames read ahead, the last page read, how many frames the next read-ahead takes.
        public byte* ReadBuffer;
        public long ReadStart;
        public int ReadLength;
        public long LastRead;
        public int ReadAheadFrames;
        public long WalSize;
        // The offset of this WAL file's last read, until the next write (-1 after a write; 0 is never a frame's offset).
        public long JustRead;
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
                    *(delegate* unmanaged<byte*, long, int>*)(walMethods + IoXTruncate) = &GatheredTruncate;
                    *(delegate* unmanaged<byte*, int, int>*)(walMethods + IoXSync) = &GatheredSync;
                    *(delegate* unmanaged<byte*, long*, int>*)(walMethods + IoXFileSize) = &GatheredFileSize;
                }
                else if (!wal && originalDatabaseMethods == 0)
                {
                    originalDatabaseMethods = methods;
                    databaseMethods = CopyMethods(methods);
                    *(delegate* unmanaged<byte*, int>*)(databaseMethods + IoXClose) = &DatabaseClose;
                    *(delegate* unmanaged<byte*, byte*, int, long, int>*)(databaseMethods + IoXRead) = &DatabaseRead;
                    *(delegate* unmanaged<byte*, byte*, int, long, int>*)(databaseMethods + IoXWrite) = &DatabaseWrite;
                    *(delegate* unmanaged<byte*, long, int>*)(databaseMethods + IoXTruncate) = &GatheredTruncate;
                    *(delegate* unmanaged<byte*, int, int>*)(databaseMethods + IoXSync) = &GatheredSync;
                    *(delegate* unmanaged<byte*, long*, int>*)(databaseMethods + IoXFileSize) = &GatheredFileSize;
                    *(delegate* unmanaged<byte*, int, void*, int>*)(databaseMethods + IoXFileControl) = &DatabaseFileControl;
                    *(delegate* unmanaged<byte*, int, int, int, int>*)(databaseMethods + IoXShmLock) = &DatabaseShmLock;
                    *(delegate* unmanaged<byte*, long, int, void**, int>*)(databaseMethods + IoXFetch) = &DatabaseFetch;
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
        // A frame's header written over the frame just read: SQLite's walRewriteChecksums, at the commit of a transaction
        // that wrote pages over its own spilled frames, reads each frame from the first changed one to the commit frame and
        // rewrites its header with the checksum the chain now needs, the commit frame's last, with no page after it. Gathered,
        // that last header would wait for a page that never comes, the commit would be published without it, and the buffer
        // dropped when the write lock is released: the file kept the commit frame's stale checksum, and a recovery after a
        // crash read the WAL only up to the frame before, losing that commit and every later one not yet checkpointed
        // (ADR 0076's addendum of 2026-12-02, fix/walkill). Written at once, as the unix VFS writes it, before the commit
        // is published.
        var rewrite = amount == FrameHeaderBytes && offset == state->JustRead;
        state->JustRead = -1;
        if (rewrite)
        {
            var flushed = Flush(file, state);
            return flushed != SqliteOk ? flushed : Written(OriginalWrite(file, data, amount, offset));
        }
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

    private static delegate* unmanaged<byte*, byte*, int, long, int> OriginalWalRead => *(delegate* unmanaged<byte*, byte*, int, long, int>*)((byte*)originalWalMethods + IoXRead);

    [UnmanagedCallersOnly]
    private static int WalRead(byte* file, byte* data, int amount, long offset)
    {
        var state = State(file);
        var rc = Flush(file, state);
        if (rc != SqliteOk)
        {
            return rc;
        }
        state->JustRead = offset;
        return checkpointDatabase != 0 && checkpointDatabase == state->DatabaseId
            ? CheckpointRead(file, state, data, amount, offset)
            : OriginalWalRead(file, data, amount, offset);
    }

    /// <summary>
    /// A checkpoint reads the pages it copies one frame at a time, in page order; the pages a transaction appended (a PDF's)
    /// are in consecutive frames. When a read is of the frame right after the last one, the next frames are read with it
    /// (2, 4, 8, … up to the buffer) and served from memory. Only the checkpoint's own reads come here, and it reads only
    /// frames committed before it started, which no writer changes until the checkpoint has published its progress; what
    /// was read ahead is forgotten when the checkpoint ends.
    /// </summary>
    private static int CheckpointRead(byte* file, FileState* state, byte* data, int amount, long offset)
    {
        checkpointWal = (nint)state;
        if (state->ReadLength > 0 && offset >= state->ReadStart && offset + amount <= state->ReadStart + state->ReadLength)
        {
            Buffer.MemoryCopy(state->ReadBuffer + (offset - state->ReadStart), data, amount, amount);
            state->LastRead = offset;
            return SqliteOk;
        }
        var frame = amount + FrameHeaderBytes;
        var sequential = offset == state->LastRead + frame;
        state->LastRead = offset;
        state->ReadLength = 0;
        if (!sequential)
        {
            state->ReadAheadFrames = 1;
            return OriginalWalRead(file, data, amount, offset);
        }
        state->ReadAheadFrames = Math.Clamp(state->ReadAheadFrames * 2, 2, BufferBytes / frame);
        if (state->WalSize == 0)
        {
            long size;
            if ((*(delegate* unmanaged<byte*, long*, int>*)((byte*)originalWalMethods + IoXFileSize))(file, &size) != SqliteOk)
            {
                return OriginalWalRead(file, data, amount, offset);
            }
            state->WalSize = size;
        }
        // Up to the end of the last frame's page: what the WAL holds now (it only grows while a checkpoint runs).
        var length = (int)Math.Min((long)state->ReadAheadFrames * frame - FrameHeaderBytes, state->WalSize - offset);
        if (length <= amount)
        {
            return OriginalWalRead(file, data, amount, offset);
        }
        if (state->ReadBuffer == null)
        {
            state->ReadBuffer = (byte*)NativeMemory.Alloc(BufferBytes);
        }
        if (OriginalWalRead(file, state->ReadBuffer, length, offset) != SqliteOk)
        {
            return OriginalWalRead(file, data, amount, offset);
        }
        state->ReadStart = offset;
        state->ReadLength = length;
        Buffer.MemoryCopy(state->ReadBuffer, data, amount, amount);
        return SqliteOk;
    }

    private static void ForgetReadAhead(FileState* state)
    {
        state->ReadLength = 0;
        state->ReadAheadFrames = 0;
        state->LastRead = 0;
        state->WalSize = 0;
    }

    // Truncation, sync and size, of a WAL file or a database file alike: what that file has gathered is written first.

    private static bool IsWal(byte* file) => *(byte**)file == walMethods;

    private static byte* Originals(byte* file) => (byte*)(IsWal(file) ? originalWalMethods : originalDatabaseMethods);

    private static int FlushGathered(byte* file) => IsWal(file) ? Flush(file, State(file)) : FlushDatabase(file, State(file));

    [UnmanagedCallersOnly]
    private static int GatheredTruncate(byte* file, long size)
    {
        var rc = FlushGathered(file);
        return rc != SqliteOk ? rc : (*(delegate* unmanaged<byte*, long, int>*)(Originals(file) + IoXTruncate))(file, size);
    }

    [UnmanagedCallersOnly]
    private static int GatheredSync(byte* file, int flags)
    {
        var rc = FlushGathered(file);
        return rc != SqliteOk ? rc : (*(delegate* unmanaged<byte*, int, int>*)(Originals(file) + IoXSync))(file, flags);
    }

    [UnmanagedCallersOnly]
    private static int GatheredFileSize(byte* file, long* size)
    {
        var rc = FlushGathered(file);
        return rc != SqliteOk ? rc : (*(delegate* unmanaged<byte*, long*, int>*)(Originals(file) + IoXFileSize))(file, size);
    }

    [UnmanagedCallersOnly]
    private static int WalClose(byte* file)
    {
        var state = State(file);
        // Nothing committed is ever left here (a commit writes it); what is left belongs to a transaction that did not commit.
        Drop(state);
        FreeBuffers(state);
        return (*(delegate* unmanaged<byte*, int>*)((byte*)originalWalMethods + IoXClose))(file);
    }

    private static void FreeBuffers(FileState* state)
    {
        if (checkpointWal == (nint)state)
        {
            checkpointWal = 0;
        }
        if (state->Buffer != null)
        {
            NativeMemory.Free(state->Buffer);
            state->Buffer = null;
        }
        if (state->ReadBuffer != null)
        {
            NativeMemory.Free(state->ReadBuffer);
            state->ReadBuffer = null;
        }
        state->ReadLength = 0;
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

    // The database file. Outside a checkpoint every method is the unix VFS's. Between SQLITE_FCNTL_CKPT_START and
    // SQLITE_FCNTL_CKPT_DONE (walCheckpoint: after the WAL's sync, around its loop of one read of the WAL and one write of the
    // database per page), the page writes, which come in page order, are gathered while contiguous and written with one call.
    // CKPT_DONE comes before the checkpoint truncates or syncs the database and before it publishes its progress (nBackfill in
    // the WAL index), whatever the connection's synchronous setting: until then every reader, in this process or another,
    // reads those pages from the WAL, not from the database file, so none can read a page still in the buffer.

    private static delegate* unmanaged<byte*, byte*, int, long, int> OriginalDatabaseWrite => *(delegate* unmanaged<byte*, byte*, int, long, int>*)((byte*)originalDatabaseMethods + IoXWrite);

    [UnmanagedCallersOnly]
    private static int DatabaseWrite(byte* file, byte* data, int amount, long offset)
    {
        var state = State(file);
        if (state->Gathering == 0 || amount > BufferBytes)
        {
            var flushed = FlushDatabase(file, state);
            return flushed != SqliteOk ? flushed : OriginalDatabaseWrite(file, data, amount, offset);
        }
        if (state->Length > 0 && (offset < state->Start || offset > state->Start + state->Length || offset + amount - state->Start > BufferBytes))
        {
            // Not within or right after what is gathered, or past the buffer: written first; its error fails this write,
            // so the checkpoint stops before publishing anything, as it does when SQLite's own write fails.
            var rc = FlushDatabase(file, state);
            if (rc != SqliteOk)
            {
                return rc;
            }
        }
        if (state->Buffer == null)
        {
            state->Buffer = (byte*)NativeMemory.Alloc(BufferBytes);
        }
        if (state->Length == 0)
        {
            state->Start = offset;
        }
        Buffer.MemoryCopy(data, state->Buffer + (offset - state->Start), BufferBytes - (offset - state->Start), amount);
        state->Length = (int)Math.Max(state->Length, offset + amount - state->Start);
        return SqliteOk;
    }

    private static int FlushDatabase(byte* file, FileState* state)
    {
        if (state->Length == 0)
        {
            return SqliteOk;
        }
        Interlocked.Increment(ref databaseWriteCalls);
        var rc = OriginalDatabaseWrite(file, state->Buffer, state->Length, state->Start);
        state->Length = 0;
        return rc == SqliteOk ? SqliteOk : SqliteIoErrWrite;
    }

    [UnmanagedCallersOnly]
    private static int DatabaseFileControl(byte* file, int op, void* argument)
    {
        var state = State(file);
        if (op == FileControlCheckpointStart)
        {
            state->Gathering = 1;
            checkpointDatabase = state->DatabaseId;
            if (!backgroundCheckpoint)
            {
                lock (Sync)
                {
                    OtherCheckpoints[state->DatabaseId] = OtherCheckpoints.GetValueOrDefault(state->DatabaseId) + 1;
                }
            }
        }
        else if (op == FileControlCheckpointDone)
        {
            EndCheckpoint(file, state);
        }
        else
        {
            var rc = FlushDatabase(file, state);
            if (rc != SqliteOk)
            {
                return rc;
            }
        }
        return (*(delegate* unmanaged<byte*, int, void*, int>*)((byte*)originalDatabaseMethods + IoXFileControl))(file, op, argument);
    }

    private static void EndCheckpoint(byte* file, FileState* state)
    {
        state->Gathering = 0;
        checkpointDatabase = 0;
        if (checkpointWal != 0)
        {
            ForgetReadAhead((FileState*)checkpointWal);
            checkpointWal = 0;
        }
        if (state->Length > 0)
        {
            BeforeCheckpointWritten?.Invoke(state->Length);
        }
        if (FlushDatabase(file, state) != SqliteOk)
        {
            // SQLite ignores what CKPT_DONE returns and would publish pages that are not in the file: stop the process
            // instead. Nothing is lost: the WAL still holds every frame, and the next process to open the database rebuilds
            // the WAL index from it (the checkpoint's progress is not kept across a restart).
            Environment.FailFast("SQLite checkpoint: the database file could not be written; stopping before the checkpoint publishes its progress (ADR 0076).");
        }
    }

    [UnmanagedCallersOnly]
    private static int DatabaseRead(byte* file, byte* data, int amount, long offset)
    {
        var rc = FlushDatabase(file, State(file));
        return rc != SqliteOk ? rc : (*(delegate* unmanaged<byte*, byte*, int, long, int>*)((byte*)originalDatabaseMethods + IoXRead))(file, data, amount, offset);
    }

    [UnmanagedCallersOnly]
    private static int DatabaseFetch(byte* file, long offset, int amount, void** page)
    {
        var rc = FlushDatabase(file, State(file));
        return rc != SqliteOk ? rc : (*(delegate* unmanaged<byte*, long, int, void**, int>*)((byte*)originalDatabaseMethods + IoXFetch))(file, offset, amount, page);
    }

    [UnmanagedCallersOnly]
    private static int DatabaseClose(byte* file)
    {
        var state = State(file);
        // A checkpoint never ends with pages gathered (CKPT_DONE writes them); a close in the middle of one cannot happen.
        FlushDatabase(file, state);
        if (state->Gathering != 0)
        {
            state->Gathering = 0;
            checkpointDatabase = 0;
        }
        FreeBuffers(state);
        return (*(delegate* unmanaged<byte*, int>*)((byte*)originalDatabaseMethods + IoXClose))(file);
    }

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_vfs_find")]
    private static extern byte* sqlite3_vfs_find(byte* name);

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_vfs_register")]
    private static extern int sqlite3_vfs_register(byte* vfs, int makeDefault);
}
