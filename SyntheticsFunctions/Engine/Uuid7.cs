namespace SyntheticsFunctions.Engine;

/// <summary>
/// UUIDv7 (RFC 9562) whose random bits come from a caller's <see cref="Random"/>, so keys are
/// time-ordered for the indexes and a seeded run yields the same keys every time.
/// </summary>
public static class Uuid7
{
    public static Guid Create(DateTimeOffset timestamp, Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes[6..]);
        return Stamp(bytes, timestamp);
    }

    /// <summary>
    /// <paramref name="id"/> with its time set to <paramref name="timestamp"/> (its random bits
    /// kept): for an id drawn before its row's time was known, so the id's time is the row's.
    /// </summary>
    public static Guid At(Guid id, DateTimeOffset timestamp)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return Stamp(bytes, timestamp);
    }

    /// <summary>The Unix millisecond an id's first 48 bits hold: the time its row is dated, to the millisecond.</summary>
    public static long Milliseconds(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
    }

    private static Guid Stamp(Span<byte> bytes, DateTimeOffset timestamp)
    {
        var ms = timestamp.ToUnixTimeMilliseconds();
        bytes[0] = (byte)(ms >> 40);
        bytes[1] = (byte)(ms >> 32);
        bytes[2] = (byte)(ms >> 24);
        bytes[3] = (byte)(ms >> 16);
        bytes[4] = (byte)(ms >> 8);
        bytes[5] = (byte)ms;
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
