using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace LicenceOps.Platform.Data;

/// <summary>
/// SQLite has no GUID, date, time-offset or decimal types, so those are stored as sortable invariant TEXT there;
/// SQL Server gets its native types. Handlers are process-wide (Dapper is static), hence the per-parameter check.
/// </summary>
internal static class DapperTypeHandlers
{
    private static int registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }

        // Built-in type maps win over handlers for parameters; remove them so the handlers below apply.
        foreach (var type in new[] { typeof(Guid), typeof(DateTimeOffset), typeof(DateOnly), typeof(decimal) })
        {
            SqlMapper.RemoveTypeMap(type);
            SqlMapper.RemoveTypeMap(typeof(Nullable<>).MakeGenericType(type));
        }

        SqlMapper.TypeMapProvider = type => new PositionalRecordTypeMap(type);
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new DecimalHandler());
    }

    private static bool IsSqlite(IDbDataParameter parameter) => parameter is SqliteParameter;

    /// <summary>An instant as stored in SQLite: always UTC with a fixed width, so text order is time order.</summary>
    internal static string SqliteInstant(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value)
        {
            if (IsSqlite(parameter))
            {
                parameter.DbType = DbType.String;
                parameter.Value = SqliteText.Of(value);
            }
            else
            {
                parameter.DbType = DbType.Guid;
                parameter.Value = value;
            }
        }

        public override Guid Parse(object value) => value switch
        {
            Guid guid => guid,
            string text => Guid.Parse(text),
            byte[] bytes => new Guid(bytes),
            _ => throw new DataException($"Cannot read a Guid from {value.GetType().Name}."),
        };
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (IsSqlite(parameter))
            {
                parameter.DbType = DbType.String;
                // Always UTC with a fixed width, so text order is time order.
                parameter.Value = SqliteInstant(value);
            }
            else
            {
                parameter.DbType = DbType.DateTimeOffset;
                parameter.Value = value;
            }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset offset => offset,
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            string text => StoredText.TryParseUtc(text, out var stored)
                ? stored
                : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            _ => throw new DataException($"Cannot read a DateTimeOffset from {value.GetType().Name}."),
        };
    }

    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            if (IsSqlite(parameter))
            {
                parameter.DbType = DbType.String;
                // "O" is yyyy-MM-dd for a DateOnly, on the runtime's fast path (a custom pattern is interpreted on every call).
                parameter.Value = value.ToString("O", CultureInfo.InvariantCulture);
            }
            else
            {
                parameter.DbType = DbType.Date;
                parameter.Value = value.ToDateTime(TimeOnly.MinValue);
            }
        }

        public override DateOnly Parse(object value) => value switch
        {
            DateOnly date => date,
            DateTime dateTime => DateOnly.FromDateTime(dateTime),
            string text => StoredText.TryParseDate(text, out var stored)
                ? stored
                : DateOnly.ParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => throw new DataException($"Cannot read a DateOnly from {value.GetType().Name}."),
        };
    }

    private sealed class DecimalHandler : SqlMapper.TypeHandler<decimal>
    {
        public override void SetValue(IDbDataParameter parameter, decimal value)
        {
            if (IsSqlite(parameter))
            {
                // TEXT keeps every digit; SQLite's REAL would turn money into binary floating point.
                parameter.DbType = DbType.String;
                parameter.Value = value.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                parameter.DbType = DbType.Decimal;
                parameter.Value = value;
            }
        }

        public override decimal Parse(object value) => value switch
        {
            decimal number => number,
            string text => decimal.Parse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture),
            long integer => integer,
            int integer => integer,
            double real => (decimal)real,
            _ => throw new DataException($"Cannot read a decimal from {value.GetType().Name}."),
        };
    }
}

/// <summary>
/// Reads back the fixed-width text the handlers above write to SQLite, digit by digit: a list page materialises a
/// few hundred of these per request, and the general parsers (culture tables, format lexing) cost about 5 % of a
/// people page's CPU. Anything that is not exactly that shape is left to the general parsers, so older or
/// hand-written values still read (and malformed ones still fail) as before.
/// </summary>
internal static class StoredText
{
    /// <summary><c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c> (28 characters, UTC), as <see cref="DapperTypeHandlers"/> stores it.</summary>
    public static bool TryParseUtc(string text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length != 28 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' || text[27] != 'Z'
            || !TryParseDate(text, out var date)
            || !TryDigits(text, 11, 2, out var hour) || hour > 23
            || !TryDigits(text, 14, 2, out var minute) || minute > 59
            || !TryDigits(text, 17, 2, out var second) || second > 59
            || !TryDigits(text, 20, 7, out var fraction))
        {
            return false;
        }
        var ticks = date.DayNumber * TimeSpan.TicksPerDay + hour * TimeSpan.TicksPerHour + minute * TimeSpan.TicksPerMinute
            + second * TimeSpan.TicksPerSecond + fraction;
        value = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary><c>yyyy-MM-dd</c> at the start of <paramref name="text"/> (a date, or the date part of a stored instant).</summary>
    public static bool TryParseDate(string text, out DateOnly value)
    {
        value = default;
        if (text.Length < 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text, 0, 4, out var year) || year < 1
            || !TryDigits(text, 5, 2, out var month) || month is < 1 or > 12
            || !TryDigits(text, 8, 2, out var day) || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        value = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }
            value = value * 10 + digit;
        }
        return true;
    }
}
