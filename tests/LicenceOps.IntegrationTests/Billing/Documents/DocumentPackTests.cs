using System.Net;
using System.Security.Cryptography;
using LicenceOps.Billing;
using LicenceOps.Billing.Features.Invoices;
using LicenceOps.IntegrationTests.Billing.Stripe;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;

namespace LicenceOps.IntegrationTests.Billing.Documents;

/// <summary>
/// ADR 0099: an embedded Billing database keeps its issued PDFs in the append-only file beside it, each row
/// naming its bytes by offset, length and hash. Real SQLite files, a real pack file.
/// </summary>
public sealed class DocumentPackTests
{
    [Test]
    public async Task An_issued_pdf_is_in_the_pack_beside_the_database_where_its_row_says_and_not_in_the_row()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 2, eurPerSeat: 30m);
        var db = factory.Service<ModuleDatabase<BillingModule>>();

        var row = await RowAsync(db, invoice.Id);

        Assert.That(row.Content, Is.Empty, "the row keeps no copy");
        Assert.That(row.Offset, Is.Not.Null);
        var bytes = ReadPack(factory, row.Offset!.Value, row.Length);
        Assert.That(Sha(bytes), Is.EqualTo(row.Sha256));
        Assert.That(bytes.AsSpan(0, 5).ToArray(), Is.EqualTo("%PDF-"u8.ToArray()));
        Assert.That((await factory.Service<InvoiceDocuments>().FindAsync(invoice.Id, CancellationToken.None))!.Content, Is.EqualTo(bytes));
    }

    [Test]
    public async Task Documents_stored_one_after_the_other_are_appended_and_never_overwrite_each_other()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var first = await IssuedInvoices.CreateAsync(factory, seats: 2, eurPerSeat: 30m);
        var second = await IssuedInvoices.CreateAsync(factory, seats: 3, eurPerSeat: 30m);
        var db = factory.Service<ModuleDatabase<BillingModule>>();

        var (a, b) = (await RowAsync(db, first.Id), await RowAsync(db, second.Id));

        Assert.That(b.Offset, Is.GreaterThanOrEqualTo(a.Offset!.Value + a.Length), "appended after the first");
        Assert.That(Sha(ReadPack(factory, a.Offset!.Value, a.Length)), Is.EqualTo(a.Sha256));
        Assert.That(Sha(ReadPack(factory, b.Offset!.Value, b.Length)), Is.EqualTo(b.Sha256));
    }

    [Test]
    public async Task Packed_bytes_lost_to_a_power_loss_fail_their_hash_and_are_printed_again_from_the_rows_and_appended_again()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 2, eurPerSeat: 30m);
        var db = factory.Service<ModuleDatabase<BillingModule>>();
        var before = await RowAsync(db, invoice.Id);
        var original = ReadPack(factory, before.Offset!.Value, before.Length);

        // What a power loss can leave: the row committed, the pack's pages never written (zeros where the bytes were).
        ZeroPackedBytes(factory, before);
        using var staff = await factory.StaffClientAsync();
        var response = await staff.GetAsync($"/api/tenants/{invoice.TenantId}/invoices/{invoice.Id}/pdf");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(original), "the same bytes, printed again from the stored rows");
        Assert.That(response.Headers.ETag?.Tag, Is.EqualTo($"\"{before.Sha256}\""));
        var after = await RowAsync(db, invoice.Id);
        Assert.That(after.Offset, Is.GreaterThanOrEqualTo(before.Offset!.Value + before.Length), "appended again, the damaged range left alone");
        Assert.That(ReadPack(factory, after.Offset!.Value, after.Length), Is.EqualTo(original));
    }

    [Test]
    public async Task A_pack_restored_without_its_bytes_is_refilled_from_the_rows_on_read()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 2, eurPerSeat: 30m);
        var documents = factory.Service<InvoiceDocuments>();
        var db = factory.Service<ModuleDatabase<BillingModule>>();
        var before = await RowAsync(db, invoice.Id);
        var original = ReadPack(factory, before.Offset!.Value, before.Length);

        // A backup restored with an older or empty pack: the rows name bytes the file does not hold.
        File.WriteAllBytes(PackPath(factory), []);

        Assert.That((await documents.FindAsync(invoice.Id, CancellationToken.None))!.Content, Is.EqualTo(original));
        var after = await RowAsync(db, invoice.Id);
        Assert.That(ReadPack(factory, after.Offset!.Value, after.Length), Is.EqualTo(original));
    }

    [Test]
    public async Task Lost_bytes_whose_rows_now_print_other_bytes_are_refused_and_nothing_is_appended()
    {
        using var factory = new LicenceOpsFactory(BillingWorld.Settings());
        var invoice = await IssuedInvoices.CreateAsync(factory, seats: 2, eurPerSeat: 30m);
        var db = factory.Service<ModuleDatabase<BillingModule>>();
        var before = await RowAsync(db, invoice.Id);
        // The bytes lost, and a stored hash the rows cannot print again: what a renderer changed between a power loss and the
        // first read leaves. Serving a re-rendering under the old hash would break the ETag's promise (same tag, same bytes).
        ZeroPackedBytes(factory, before);
        var otherHash = new string('0', 64);
        await db.WriteAsync(uow => uow.ExecuteAsync("UPDATE invoice_documents SET sha256 = @otherHash WHERE invoice_id = @id", new { otherHash, id = invoice.Id }));
        var packLength = new FileInfo(PackPath(factory)).Length;
        using var staff = await factory.StaffClientAsync();

        var response = await staff.GetAsync($"/api/tenants/{invoice.TenantId}/invoices/{invoice.Id}/pdf");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await RowAsync(db, invoice.Id)).Offset, Is.EqualTo(before.Offset), "the row still names the damaged range");
        Assert.That(new FileInfo(PackPath(factory)).Length, Is.EqualTo(packLength), "nothing appended");
    }

    [Test]
    public void The_pack_file_appends_gathered_documents_at_its_end_reads_them_back_and_answers_null_past_its_end()
    {
        var directory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            using var pack = new DocumentPack(DocumentPack.PathFor(Path.Combine(directory, "billing.db")));
            Assert.That(pack.Path, Is.EqualTo(Path.Combine(directory, "billing.pdfpack")));
            Assert.That(pack.Read(0, 1), Is.Null, "no file yet");

            var first = pack.Append(["abc"u8.ToArray(), "defgh"u8.ToArray()]);
            var second = pack.Append(["ij"u8.ToArray()]);
            pack.Sync();

            Assert.That((first, second), Is.EqualTo((0L, 8L)));
            Assert.That(pack.Read(3, 5), Is.EqualTo("defgh"u8.ToArray()));
            Assert.That(pack.Read(8, 2), Is.EqualTo("ij"u8.ToArray()));
            Assert.That(pack.Read(8, 3), Is.Null, "a range past the end is missing, not padded");
            Assert.That(new FileInfo(pack.Path).Length, Is.EqualTo(10));
        }
        finally
        {
            LicenceOpsFactory.DeleteQuietly(directory);
        }
    }

    private sealed record PackedRow(string Sha256, long Length, long? Offset, byte[] Content);

    private static Task<PackedRow> RowAsync(ModuleDatabase<BillingModule> db, Guid invoiceId) =>
        db.QuerySingleOrDefaultAsync<PackedRow>(
            "SELECT sha256 AS Sha256, byte_length AS Length, pack_offset AS Offset, content AS Content FROM invoice_documents WHERE invoice_id = @invoiceId",
            new { invoiceId })!;

    private static string PackPath(LicenceOpsFactory factory) => Path.Combine(factory.DataDirectory, "billing.pdfpack");

    private static byte[] ReadPack(LicenceOpsFactory factory, long offset, long length)
    {
        using var pack = File.OpenHandle(PackPath(factory), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[length];
        Assert.That(RandomAccess.Read(pack, bytes, offset), Is.EqualTo(length));
        return bytes;
    }

    /// <summary>The row's range of the pack overwritten with zeros, as a power loss leaves pages the kernel never wrote.</summary>
    private static void ZeroPackedBytes(LicenceOpsFactory factory, PackedRow row)
    {
        using var pack = File.OpenHandle(PackPath(factory), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(pack, new byte[row.Length], row.Offset!.Value);
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
