namespace LicenceOps.Platform.Identifiers;

/// <summary>Luhn (mod 10) checksum over a string of ASCII digits.</summary>
public static class Luhn
{
    public static bool IsValid(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var digit = digits[i] - '0';
            if (doubleIt)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }
            sum += digit;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }
}
