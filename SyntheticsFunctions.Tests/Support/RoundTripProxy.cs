using System.Net.Sockets;

namespace SyntheticsFunctions.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of Postgres that counts round trips: each time the client speaks
/// after the server has finished answering (its answer ends with ReadyForQuery, which Postgres sends
/// only when it waits for the client) is one. A pipelined batch whose answers begin to arrive while
/// the client is still sending stays one round trip. Measured on the wire, whatever the driver does.
/// </summary>
public sealed class RoundTripProxy(int targetPort) : LoopbackProxy(targetPort)
{
    private int _roundTrips;

    public int RoundTrips => Volatile.Read(ref _roundTrips);

    public void Reset() => Interlocked.Exchange(ref _roundTrips, 0);

    protected override IEnumerable<Task> Pump(TcpClient client, TcpClient server)
    {
        var waitingForClient = new StrongBox(true); // a new connection: the client speaks first
        yield return PumpAsync(client.GetStream(), server.GetStream(), fromClient: true, waitingForClient);
        yield return PumpAsync(server.GetStream(), client.GetStream(), fromClient: false, waitingForClient);
    }

    // ReadyForQuery: 'Z', length 5, the transaction status byte.
    private static bool EndsWithReadyForQuery(byte[] buffer, int read) =>
        read >= 6 && buffer[read - 6] == (byte)'Z' && buffer[read - 5] == 0 && buffer[read - 4] == 0 && buffer[read - 3] == 0 && buffer[read - 2] == 5;

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool fromClient, StrongBox waitingForClient)
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

            lock (waitingForClient)
            {
                if (fromClient && waitingForClient.Value)
                {
                    Interlocked.Increment(ref _roundTrips);
                    waitingForClient.Value = false;
                }
                else if (!fromClient && EndsWithReadyForQuery(buffer, read))
                {
                    waitingForClient.Value = true;
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), Stopping.Token);
        }
    }

    private sealed class StrongBox(bool value)
    {
        public bool Value { get; set; } = value;
    }
}
