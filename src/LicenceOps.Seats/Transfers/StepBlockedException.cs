namespace LicenceOps.Seats.Transfers;

/// <summary>A step that retrying cannot fix (e.g. its request was rejected): it goes straight to needs_attention.</summary>
internal sealed class StepBlockedException(string message) : Exception(message);
