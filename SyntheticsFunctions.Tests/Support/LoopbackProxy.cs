using System.Net;
using System.Net.Sockets;

namespace SyntheticsFunctions.Tests.Support;

/// <summary>
/// A TCP proxy on loopback in front of Postgres: accepts connections, opens one to the server for
/// each, and lets the derived proxy pump the bytes both ways (counting, or breaking, what passes).
/// </summary>
public abstract class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly List<Task> _pumps = [];

    protected LoopbackProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _pumps.Add(AcceptAsync());
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Cancelled when the proxy is disposed; every pump stops with it.</summary>
    protected CancellationTokenSource Stopping { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await Stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll(_pumps);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Connections end with the proxy.
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The pumps of one proxied connection: client to server and server to client.</summary>
    protected abstract IEnumerable<Task> Pump(TcpClient client, TcpClient server);

    private async Task AcceptAsync()
    {
        while (!Stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(Stopping.Token);
            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, Stopping.Token);
            var pumps = Pump(client, server).ToList();
            lock (_pumps)
            {
                _pumps.AddRange(pumps);
            }
        }
    }
}
