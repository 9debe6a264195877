using System.Net.Sockets;
using System.Text;

namespace SyntheticsFunctions.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of Postgres that, once armed, forwards the next COMMIT to the
/// server, lets the server answer, and then drops the connection before the answer reaches the
/// client: an ambiguous commit (durable on the server, an I/O error at the client).
/// </summary>
public sealed class CommitDroppingProxy(int targetPort) : LoopbackProxy(targetPort)
{
    // The simple-query message Npgsql sends to commit: 'Q', length 11, "COMMIT\0".
    private static readonly byte[] Commit = [(byte)'Q', 0, 0, 0, 11, .. Encoding.ASCII.GetBytes("COMMIT"), 0];

    private int _armed;

    /// <summary>How many commits were dropped after the server answered.</summary>
    public int Dropped { get; private set; }

    public void ArmOnce() => Interlocked.Exchange(ref _armed, 1);

    protected override IEnumerable<Task> Pump(TcpClient client, TcpClient server)
    {
        var connection = new Connection(client, server);
        yield return Guard(ClientToServerAsync(connection));
        yield return Guard(ServerToClientAsync(connection));
    }

    private async Task ClientToServerAsync(Connection c)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await c.Client.GetStream().ReadAsync(buffer, Stopping.Token);
            if (read == 0)
            {
                c.Server.Client.Shutdown(SocketShutdown.Send);
                return;
            }

            if (buffer.AsSpan(0, read).IndexOf(Commit) >= 0 && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                c.DropOnNextAnswer = true;
            }

            await c.Server.GetStream().WriteAsync(buffer.AsMemory(0, read), Stopping.Token);
        }
    }

    private async Task ServerToClientAsync(Connection c)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await c.Server.GetStream().ReadAsync(buffer, Stopping.Token);
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

            await c.Client.GetStream().WriteAsync(buffer.AsMemory(0, read), Stopping.Token);
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
