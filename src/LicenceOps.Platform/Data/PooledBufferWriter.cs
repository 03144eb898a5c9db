using System.Buffers;

namespace LicenceOps.Platform.Data;

/// <summary>
/// A growing buffer of bytes rented from <see cref="ArrayPool{T}.Shared"/>, for JSON rows that are copied out once complete
/// (<see cref="JsonRows.ToUtf8"/>): an <see cref="ArrayBufferWriter{T}"/> left its arrays to the collector, one per statement and
/// as large as the statement's rows (a first reconciliation's findings and usage sheets, tens of megabytes per pass). Returned to
/// the pool by <see cref="Release"/>; one never released is only collected, as any array.
/// </summary>
internal sealed class PooledBufferWriter(int initialBytes) : IBufferWriter<byte>
{
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialBytes, 256));
    private int written;

    public ReadOnlySpan<byte> WrittenSpan => buffer.AsSpan(0, written);

    public void Advance(int count)
    {
        if (count < 0 || written + count > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }
        written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return buffer.AsMemory(written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return buffer.AsSpan(written);
    }

    /// <summary>Forgets what was written, keeping the array, to write anew.</summary>
    public void Clear() => written = 0;

    /// <summary>Gives the array back to the pool; the writer must not be used afterwards.</summary>
    public void Release()
    {
        var array = buffer;
        buffer = [];
        written = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = written + Math.Max(sizeHint, 1);
        if (needed <= buffer.Length)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.AsSpan(0, written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }
}
