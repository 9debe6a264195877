using System.Net;
using System.Net.Sockets;

namespace SyntheticsFunctions.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of Postgres that counts round trips: each time the client
/// speaks after the server has answered is one. Measured on the wire, whatever the driver does.
/// </summary>
public sealed class RoundTripProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private int _roundTrips;

    public RoundTripProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _pumps.Add(AcceptAsync());
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int RoundTrips => Volatile.Read(ref _roundTrips);

    public void Reset() => Interlocked.Exchange(ref _roundTrips, 0);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll(_pumps);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Connections end with the proxy.
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var clientTurn = new StrongBox(false);
            lock (_pumps)
            {
                _pumps.Add(PumpAsync(client.GetStream(), server.GetStream(), fromClient: true, clientTurn));
                _pumps.Add(PumpAsync(server.GetStream(), client.GetStream(), fromClient: false, clientTurn));
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool fromClient, StrongBox clientTurn)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                to.Socket.Shutdown(SocketShutdown.Send);
                return;
            }

            lock (clientTurn)
            {
                if (fromClient && !clientTurn.Value)
                {
                    Interlocked.Increment(ref _roundTrips);
                }

                clientTurn.Value = fromClient;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private sealed class StrongBox(bool value)
    {
        public bool Value { get; set; } = value;
    }
}
