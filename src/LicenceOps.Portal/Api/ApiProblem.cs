using System.Net;

namespace LicenceOps.Portal.Api;

/// <summary>What an API answered when it refused: the RFC 9457 problem's title, detail and field errors.</summary>
public sealed record ApiProblem(HttpStatusCode Status, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public string Message => Errors.Count > 0
        ? string.Join(" ", Errors.SelectMany(e => e.Value))
        : Detail ?? Title ?? Status.ToString();
}

/// <summary>
/// A read the page cannot do without. The page filter turns it into the portal's answer: 404 stays 404 (another
/// tenant's pages look like pages that do not exist), 401 signs the user out, 403 shows the access-denied page.
/// </summary>
public sealed class PortalApiException(ApiProblem problem, string path)
    : Exception($"The API answered {(int)problem.Status} for {path}: {problem.Message}")
{
    public ApiProblem Problem { get; } = problem;
}

/// <summary>The outcome of a command: the created or changed resource, or the problem to show beside the form.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;
}

public sealed record ApiFile(byte[] Content, string ContentType, string FileName);
