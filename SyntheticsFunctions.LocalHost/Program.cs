using SyntheticsFunctions.LocalHost;

return await LocalFunctionsHost.RunAsync(args);
