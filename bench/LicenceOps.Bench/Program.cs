Console.WriteLine("LicenceOps benchmarks");
