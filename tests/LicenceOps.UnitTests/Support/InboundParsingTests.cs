using LicenceOps.Support.Domain;
using LicenceOps.Support.Features.Inbound;

namespace LicenceOps.UnitTests.Support;

public sealed class InboundParsingTests
{
    [TestCase("Re: [#T-42] Accès", 42L)]
    [TestCase("TR: RE: [#T-7] x [#T-9]", 7L)]
    [TestCase("[T-42] sans dièse", null)]
    [TestCase("Question", null)]
    public void The_subject_tag_names_the_ticket(string subject, long? expected) =>
        Assert.That(TicketNumbers.FromSubject(subject), Is.EqualTo(expected));

    [Test]
    public void A_tagged_subject_carries_one_tag_only() =>
        Assert.That(TicketNumbers.TaggedSubject(12, "Re: [#T-12] Accès"), Is.EqualTo("[#T-12] Re: Accès"));

    [Test]
    public void Html_to_text_keeps_words_and_drops_markup_scripts_and_styles() =>
        Assert.That(InboundMailParser.HtmlToText("<html><head><style>b{}</style></head><body><p>Un&nbsp;<b>deux</b></p><script>x()</script><div>trois &amp; quatre</div></body></html>"),
            Is.EqualTo("Un deux\n\ntrois & quatre"));

    [Test]
    public void Garbage_is_refused_with_a_reason()
    {
        var (mail, problem) = InboundMailParser.Parse("this is not a message"u8.ToArray());
        Assert.That(mail, Is.Null);
        Assert.That(problem, Is.Not.Null.And.Not.Empty);
    }
}
