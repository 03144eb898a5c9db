global using Microsoft.AspNetCore.Http;
global using LicenceOps.Platform.Http.Paging;
