using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SyntheticsFunctions.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of Postgres that, once armed, forwards the next COMMIT to the
/// server, lets the server answer, and then drops the connection before the answer reaches the
/// client: an ambiguous commit (durable on the server, an I/O error at the client).
/// </summary>
public sealed class CommitDroppingProxy : IAsyncDisposable
{
    // The simple-query message Npgsql sends to commit: 'Q', length 11, "COMMIT\0".
    private static readonly byte[] Commit = [(byte)'Q', 0, 0, 0, 11, .. Encoding.ASCII.GetBytes("COMMIT"), 0];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private int _armed;

    public CommitDroppingProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _pumps.Add(AcceptAsync());
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many commits were dropped after the server answered.</summary>
    public int Dropped { get; private set; }

    public void ArmOnce() => Interlocked.Exchange(ref _armed, 1);

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
            var connection = new Connection(client, server);
            lock (_pumps)
            {
                _pumps.Add(Guard(ClientToServerAsync(connection)));
                _pumps.Add(Guard(ServerToClientAsync(connection)));
            }
        }
    }

    private async Task ClientToServerAsync(Connection c)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await c.Client.GetStream().ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                c.Server.Client.Shutdown(SocketShutdown.Send);
                return;
            }

            if (buffer.AsSpan(0, read).IndexOf(Commit) >= 0 && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                c.DropOnNextAnswer = true;
            }

            await c.Server.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private async Task ServerToClientAsync(Connection c)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await c.Server.GetStream().ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                c.Client.Client.Shutdown(SocketShutdown.Send);
                return;
            }

            if (c.DropOnNextAnswer)
            {
                // The server has committed and answered; the client never hears it.
                Dropped++;
                c.Client.Close();
                c.Server.Close();
                return;
            }

            await c.Client.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private static async Task Guard(Task pump)
    {
        try
        {
            await pump;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A dropped or closed connection ends its pumps.
        }
    }

    private sealed class Connection(TcpClient client, TcpClient server)
    {
        public TcpClient Client { get; } = client;

        public TcpClient Server { get; } = server;

        public bool DropOnNextAnswer { get; set; }
    }
}
