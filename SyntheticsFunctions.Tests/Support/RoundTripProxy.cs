using System.Net.Sockets;

namespace SyntheticsFunctions.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of Postgres that counts round trips: each time the client
/// speaks after the server has answered is one. Measured on the wire, whatever the driver does.
/// </summary>
public sealed class RoundTripProxy(int targetPort) : LoopbackProxy(targetPort)
{
    private int _roundTrips;

    public int RoundTrips => Volatile.Read(ref _roundTrips);

    public void Reset() => Interlocked.Exchange(ref _roundTrips, 0);

    protected override IEnumerable<Task> Pump(TcpClient client, TcpClient server)
    {
        var clientTurn = new StrongBox(false);
        yield return PumpAsync(client.GetStream(), server.GetStream(), fromClient: true, clientTurn);
        yield return PumpAsync(server.GetStream(), client.GetStream(), fromClient: false, clientTurn);
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool fromClient, StrongBox clientTurn)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, Stopping.Token);
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

            await to.WriteAsync(buffer.AsMemory(0, read), Stopping.Token);
        }
    }

    private sealed class StrongBox(bool value)
    {
        public bool Value { get; set; } = value;
    }
}
