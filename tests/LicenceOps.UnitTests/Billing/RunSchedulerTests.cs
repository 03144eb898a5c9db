using LicenceOps.Billing.Features.Runs;
using NUnit.Framework;

namespace LicenceOps.UnitTests.Billing;

/// <summary>The decision of an issuing run's workers (ADR 0068): what one worker does next, given what they share.</summary>
public class RunSchedulerTests
{
    private static readonly RunLimits Limits = new(LowWater: 16, StoreAt: 16);

    private static RunStep Next(bool tokenFree = true, bool over = false, int backlog = 0, int rendered = 0, bool gateHeld = false) =>
        RunScheduler.Next(new RunState(tokenFree, over, backlog, rendered, gateHeld), Limits);

    [Test]
    public void A_run_starts_by_drafting_and_the_other_workers_wait_for_what_it_issues()
    {
        Assert.That(Next(), Is.EqualTo(RunStep.Draft));
        Assert.That(Next(tokenFree: false), Is.EqualTo(RunStep.Wait), "nothing issued yet, the token is taken");
    }

    [Test]
    public void Below_the_low_water_mark_drafting_comes_before_rendering_and_storing()
    {
        Assert.That(Next(backlog: 15, rendered: 20), Is.EqualTo(RunStep.Draft), "the backlog must not run dry during the batch");
        Assert.That(Next(tokenFree: false, backlog: 15, rendered: 20), Is.EqualTo(RunStep.Render), "another worker drafts: render meanwhile");
    }

    [Test]
    public void At_the_low_water_mark_a_worker_renders_until_enough_pdfs_wait_to_be_stored()
    {
        Assert.That(Next(backlog: 16, rendered: 15), Is.EqualTo(RunStep.Render));
        Assert.That(Next(backlog: 16, rendered: 16), Is.EqualTo(RunStep.Store));
        Assert.That(Next(tokenFree: false, backlog: 16, rendered: 40), Is.EqualTo(RunStep.Render), "the token is taken: render meanwhile");
    }

    [Test]
    public void With_nothing_to_render_a_worker_stores_what_waits_rather_than_idle()
    {
        Assert.That(Next(tokenFree: false, rendered: 3), Is.EqualTo(RunStep.Wait), "the token holder drafts: nothing else to do");
        Assert.That(Next(over: true, rendered: 3), Is.EqualTo(RunStep.Store), "the end of the run: the last few");
        Assert.That(Next(over: true, backlog: 2, rendered: 3), Is.EqualTo(RunStep.Render), "but renders first while the backlog lasts");
    }

    [Test]
    public void Once_drafting_is_over_the_backlog_is_rendered_and_stored_then_the_workers_stop()
    {
        Assert.That(Next(over: true, backlog: 5), Is.EqualTo(RunStep.Render), "no more drafting, whatever the backlog");
        Assert.That(Next(over: true, rendered: 20), Is.EqualTo(RunStep.Store));
        Assert.That(Next(tokenFree: false, over: true, rendered: 2), Is.EqualTo(RunStep.Wait), "another worker stores: the rest waits for it");
        Assert.That(Next(over: true), Is.EqualTo(RunStep.Done));
        Assert.That(Next(tokenFree: false, over: true), Is.EqualTo(RunStep.Done), "a worker still storing stores what it took itself");
    }

    [Test]
    public void While_another_write_holds_the_gate_a_worker_renders_instead_of_queueing_behind_it()
    {
        // ADR 0088: the background checkpointer's restart pass holds Billing's write gate for its fsyncs.
        Assert.That(Next(backlog: 3, rendered: 20, gateHeld: true), Is.EqualTo(RunStep.Render), "a draft below the low-water mark would wait");
        Assert.That(Next(backlog: 16, rendered: 20, gateHeld: true), Is.EqualTo(RunStep.Render), "a store would wait");
        Assert.That(Next(backlog: 16, rendered: 20, gateHeld: false), Is.EqualTo(RunStep.Store), "once the gate is free, storing comes first again");
        Assert.That(Next(over: true, rendered: 20, gateHeld: true), Is.EqualTo(RunStep.Store), "nothing to render: queue at the gate as before");
        Assert.That(Next(backlog: 0, gateHeld: true), Is.EqualTo(RunStep.Draft), "nothing to render: draft, waiting for the gate");
        Assert.That(Next(over: true, gateHeld: true), Is.EqualTo(RunStep.Done));
    }

    [Test]
    public void The_backlog_holds_at_most_the_low_water_mark_plus_one_batch()
    {
        // Drafting only ever starts below the mark, so whatever a batch issues lands on at most LowWater - 1 documents.
        for (var backlog = 0; backlog < 200; backlog++)
        {
            var drafts = Next(backlog: backlog) == RunStep.Draft;
            Assert.That(drafts, Is.EqualTo(backlog < Limits.LowWater), $"backlog {backlog}");
        }
    }

    [Test]
    public void The_limits_keep_a_batch_worth_of_renders_for_every_worker()
    {
        Assert.That(RunLimits.For(2), Is.EqualTo(new RunLimits(16, 16)));
        Assert.That(RunLimits.For(8).LowWater, Is.EqualTo(64));
        Assert.That(RunLimits.For(0).LowWater, Is.EqualTo(8), "never below one worker's");
    }
}
