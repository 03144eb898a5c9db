using Microsoft.Playwright;

namespace LicenceOps.BrowserTests;

/// <summary>The portal's sign-in form, filled and sent the way a user does, shared by every browser test.</summary>
public static class SignInForm
{
    /// <summary>
    /// Signs <paramref name="email"/> in and returns once the form's answer has sent the browser on (the session cookie
    /// comes with it), not once the landing page has arrived: callers that need the landing page wait for it themselves.
    /// A refused sign-in fails here with the answer's status and the start of the page it sent back, rather than as a timeout
    /// later.
    /// </summary>
    public static async Task SubmitAsync(IPage page, string email)
    {
        await page.GotoAsync("/portal/sign-in");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(PortalHost.Password);
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("/portal/sign-in", StringComparison.Ordinal));
        if (answer.Status != 302)
        {
            var body = await answer.TextAsync();
            Assert.Fail($"{email} was not signed in: the form answered {answer.Status}: {body[..Math.Min(body.Length, 1500)]}");
        }

        Assert.That(await answer.HeaderValueAsync("location"), Does.Not.Contain("/sign-in"), $"{email} sent on into the portal");
    }
}
