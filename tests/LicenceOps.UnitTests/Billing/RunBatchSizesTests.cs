using LicenceOps.Billing.Features.Runs;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

public class RunBatchSizesTests
{
    private static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(40);
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(5);

    [Test]
    public void An_issuing_run_starts_with_one_tenant_per_renderer_and_doubles_to_the_most_per_batch()
    {
        var sizes = new List<int> { RunBatchSizes.First(32, renderers: 2, rampUp: true) };
        while (sizes.Count < 8)
        {
            sizes.Add(RunBatchSizes.Next(sizes[^1], Fast, 32, Longest));
        }

        Assert.That(sizes, Is.EqualTo(new[] { 2, 4, 8, 16, 32, 32, 32, 32 }));
    }

    [Test]
    public void Without_renderers_or_without_the_ramp_the_first_batch_is_full()
    {
        Assert.That(RunBatchSizes.First(32, renderers: null, rampUp: true), Is.EqualTo(32), "a draft-only run renders nothing");
        Assert.That(RunBatchSizes.First(32, renderers: 2, rampUp: false), Is.EqualTo(32));
        Assert.That(RunBatchSizes.First(4, renderers: 8, rampUp: true), Is.EqualTo(4), "never more than the most per batch");
    }

    [Test]
    public void A_slow_batch_shrinks_the_next_to_its_pace_and_the_run_doubles_back_afterwards()
    {
        // 32 tenants in 160 ms: 8 fit in 40 ms.
        var shrunk = RunBatchSizes.Next(32, TimeSpan.FromMilliseconds(160), 32, Longest);
        Assert.That(shrunk, Is.EqualTo(8));
        Assert.That(RunBatchSizes.Next(shrunk, Fast, 32, Longest), Is.EqualTo(16));
        Assert.That(RunBatchSizes.Next(1, TimeSpan.FromSeconds(2), 32, Longest), Is.EqualTo(1), "never below one tenant");
        Assert.That(RunBatchSizes.Next(0, Fast, 32, Longest), Is.EqualTo(32), "nothing taken (the lease was lost): the run stops anyway");
    }
}
