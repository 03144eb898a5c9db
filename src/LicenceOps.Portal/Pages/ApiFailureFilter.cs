using System.Net;
using LicenceOps.Portal.Api;
using LicenceOps.Portal.Localization;
using LicenceOps.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Portal.Pages;

/// <summary>
/// Turns an API refusal into the portal's answer. 404 stays 404, so another tenant's page is indistinguishable
/// from a page that does not exist; 401 (the token lapsed or the account was disabled) signs out and asks to sign
/// in again; 403 shows the access-denied page. Anything else is a real failure and goes to the error handler.
/// </summary>
public sealed class ApiFailureFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is not PortalApiException failure || executed.ExceptionHandled)
        {
            return;
        }

        var http = context.HttpContext;
        var texts = http.RequestServices.GetRequiredService<Texts>();
        switch (failure.Problem.Status)
        {
            case HttpStatusCode.Unauthorized:
                await PortalAuth.SignOutAsync(http);
                executed.Result = new RedirectResult($"{PortalAuth.SignInPath}?returnUrl={Uri.EscapeDataString(http.Request.Path + http.Request.QueryString)}");
                break;
            case HttpStatusCode.Forbidden:
                executed.Result = Status(context, 403, texts["status.forbidden.title"], texts["status.forbidden.text"]);
                break;
            case HttpStatusCode.NotFound:
                executed.Result = Status(context, 404, texts["status.notfound.title"], texts["status.notfound.text"]);
                break;
            case var status when (int)status is >= 400 and < 500:
                // A refusal the user can read (a draft has no PDF yet: 409): say what the API said.
                executed.Result = Status(context, (int)status, texts["status.refused.title"], failure.Problem.Message);
                break;
            default:
                return;
        }

        executed.ExceptionHandled = true;
    }

    private static ViewResult Status(FilterContext context, int code, string title, string message) =>
        StatusOf(context.HttpContext, code, title, message);

    /// <summary>A full portal page (layout included) that answers with the given status code.</summary>
    public static ViewResult StatusOf(Microsoft.AspNetCore.Http.HttpContext http, int code, string title, string message) => new()
    {
        ViewName = "/Pages/Shared/Status.cshtml",
        StatusCode = code,
        ViewData = new ViewDataDictionary<StatusModel>(http.RequestServices.GetRequiredService<IModelMetadataProvider>(), new ModelStateDictionary())
        {
            Model = new StatusModel(code, title, message),
        },
    };
}

public sealed record StatusModel(int Code, string Title, string Message);
