using System.Text.Json;
using LicenceOps.Platform.Data;

namespace LicenceOps.UnitTests.Platform;

/// <summary>
/// Ids written without Dapper (JSON rows, prepared statements) keep the text Dapper's handler stores: upper case with hyphens,
/// whichever way they are formatted, and JSON rows escape only what JSON requires, so SQLite reads back the same values.
/// </summary>
public sealed class SqliteTextTests
{
    [Test]
    public void An_id_is_written_as_the_handler_stores_it_as_text_and_into_json_rows()
    {
        var random = new Random(57);
        var ids = new List<Guid> { Guid.Empty, Guid.AllBitsSet, new("0f8fad5b-d9cb-469f-a165-70867728950e") };
        var bytes = new byte[16];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            ids.Add(new Guid(bytes));
        }
        var rows = new JsonRows();
        foreach (var id in ids)
        {
            var stored = id.ToString("D").ToUpperInvariant();
            Assert.That(SqliteText.Of(id), Is.EqualTo(stored));
            rows.Row().Add(id).Add((Guid?)id);
        }
        using var json = JsonDocument.Parse(rows.ToJson());
        Assert.That(json.RootElement.EnumerateArray().Select(r => r[0].GetString()), Is.EqualTo(ids.Select(i => i.ToString("D").ToUpperInvariant())));
        Assert.That(json.RootElement.EnumerateArray().All(r => r[0].GetString() == r[1].GetString()));
    }

    [Test]
    public void Json_rows_keep_every_character_and_escape_only_what_json_requires()
    {
        const string text = "Zoë's <b>\"quote\"</b> & 100 € + \\ back\nline \u0001 😀";
        var rows = new JsonRows();
        rows.Row().Add(text);
        var json = rows.ToJson();
        Assert.That(JsonDocument.Parse(json).RootElement[0][0].GetString(), Is.EqualTo(text));
        // Characters outside the basic plane (the emoji) are still written as escaped surrogate pairs, which SQLite reads back too.
        Assert.That(json, Does.Contain("Zoë's <b>").And.Contain("€ + "), "no escape SQLite would have to undo");
        Assert.That(json, Does.Contain("\\\"quote\\\"").And.Contain("\\\\ back\\nline \\u0001"), "what JSON requires is escaped");
    }

    [Test]
    public void Json_rows_as_utf8_bytes_are_the_text_s_bytes_with_ids_and_dates_as_stored()
    {
        static JsonRows Build()
        {
            var rows = new JsonRows();
            rows.Row().Add(new Guid("0f8fad5b-d9cb-469f-a165-70867728950e")).Add((Guid?)null).Add(new DateOnly(2026, 3, 9)).Add((DateOnly?)null)
                .Add("Zoë \"x\"").Add(42L).Add(true);
            rows.Row().Add(Guid.Empty).Add((Guid?)Guid.AllBitsSet).Add((DateOnly?)new DateOnly(1, 1, 1)).Add(12.50m).Add((string?)null).Add(7).Add(false);
            return rows;
        }
        var text = Build().ToJson();
        var bytes = Build().ToUtf8();
        Assert.That(bytes, Is.EqualTo(System.Text.Encoding.UTF8.GetBytes(text)));
        Assert.That(text, Is.EqualTo(
            "[[\"0F8FAD5B-D9CB-469F-A165-70867728950E\",null,\"2026-03-09\",null,\"Zoë \\\"x\\\"\",42,1]," +
            "[\"00000000-0000-0000-0000-000000000000\",\"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF\",\"0001-01-01\",\"12.50\",null,7,0]]"));
    }
}
