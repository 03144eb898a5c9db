using LicenceOps.Billing.Features.ExchangeRates;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

public class EcbRateParserTests
{
    // Figures from the real ECB reference-rate files (see the ecb fixtures of the integration tests), trimmed to a few currencies.
    private const string DailyXml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
        	<gesmes:subject>Reference rates</gesmes:subject>
        	<gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
        	<Cube>
        		<Cube time='2022-07-08'>
        			<Cube currency='USD' rate='1.0163'/>
        			<Cube currency='JPY' rate='138.05'/>
        			<Cube currency='CHF' rate='0.9913'/>
        		</Cube>
        	</Cube>
        </gesmes:Envelope>
        """;

    private const string HistXml = """
        <?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><gesmes:subject>Reference rates</gesmes:subject><Cube><Cube time="2017-03-03"><Cube currency="USD" rate="1.0565"/><Cube currency="GBP" rate="0.86355"/></Cube>
        <Cube time="2017-03-02"><Cube currency="USD" rate="1.0514"/><Cube currency="GBP" rate="0.8556"/></Cube>
        </Cube></gesmes:Envelope>
        """;

    private const string HistCsv = "Date,USD,JPY,CYP,GBP,\n2024-09-26,1.1155,160.78,N/A,0.83428,\n2024-09-25,1.1194,161.49,N/A,0.83653,\n";

    private const string DailyCsv = "Date, USD, JPY, GBP, \n26 September 2024, 1.1155, 160.78, 0.83428, \n";

    [Test]
    public void Daily_xml_gives_every_currency_of_the_day()
    {
        var rates = EcbRateParser.ParseXml(DailyXml);

        Assert.That(rates, Has.Count.EqualTo(3));
        Assert.That(rates, Has.Member(new EcbRate(new DateOnly(2022, 7, 8), "USD", 1.0163m)));
        Assert.That(rates, Has.Member(new EcbRate(new DateOnly(2022, 7, 8), "CHF", 0.9913m)));
    }

    [Test]
    public void History_xml_gives_each_day()
    {
        var rates = EcbRateParser.ParseXml(HistXml);

        Assert.That(rates.Select(r => r.Date).Distinct(), Is.EquivalentTo(new[] { new DateOnly(2017, 3, 3), new DateOnly(2017, 3, 2) }));
        Assert.That(rates.Single(r => r.Currency == "USD" && r.Date == new DateOnly(2017, 3, 2)).UnitsPerEuro, Is.EqualTo(1.0514m));
    }

    [Test]
    public void History_csv_skips_retired_currencies_and_the_trailing_comma()
    {
        var rates = EcbRateParser.ParseCsv(HistCsv);

        Assert.That(rates, Has.Count.EqualTo(6));
        Assert.That(rates.Any(r => r.Currency == "CYP"), Is.False);
        Assert.That(rates, Has.Member(new EcbRate(new DateOnly(2024, 9, 25), "USD", 1.1194m)));
    }

    [Test]
    public void Daily_csv_reads_the_spelled_out_date()
    {
        var rates = EcbRateParser.Parse(DailyCsv);

        Assert.That(rates, Has.Member(new EcbRate(new DateOnly(2024, 9, 26), "GBP", 0.83428m)));
        Assert.That(rates, Has.Count.EqualTo(3));
    }

    [Test]
    public void Parse_detects_xml_from_content()
    {
        Assert.That(EcbRateParser.Parse("\uFEFF" + DailyXml), Has.Count.EqualTo(3));
    }

    [TestCase("")]
    [TestCase("<not-closed>")]
    [TestCase("Date,USD,\n2024-13-40,1.1,\n")]
    [TestCase("Date,USD,\n2024-09-26,abc,\n")]
    [TestCase("Date,USD,\n2024-09-26,-1.1,\n")]
    [TestCase("Currency,USD,\n2024-09-26,1.1,\n")]
    [TestCase("<a xmlns='http://www.ecb.int/vocabulary/2002-08-01/eurofxref'><Cube/></a>")]
    public void Malformed_files_are_rejected_with_a_reason(string content)
    {
        var error = Assert.Throws<EcbFormatException>(() => EcbRateParser.Parse(content));
        Assert.That(error!.Message, Is.Not.Empty);
    }
}
