using System.Buffers.Binary;
using System.Net.Sockets;

namespace SyntheticsFunctions.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of Postgres that counts round trips: each time the client speaks
/// after it has had every answer it asked for is one. Once the connection is ready, both streams
/// are read message by message: a client's Sync or simple Query asks for an answer that ends with
/// ReadyForQuery; the client waited for it if its next bytes start a new message after its last
/// message was such a request and every request has been answered. A pipelined batch (a reset and
/// a BEGIN sent as simple queries ahead of the batch, their answers arriving while the client is
/// still writing the rest) stays one round trip. Measured on the wire, whatever the driver does.
/// </summary>
public sealed class RoundTripProxy(int targetPort) : LoopbackProxy(targetPort)
{
    private int _roundTrips;

    public int RoundTrips => Volatile.Read(ref _roundTrips);

    public void Reset() => Interlocked.Exchange(ref _roundTrips, 0);

    protected override IEnumerable<Task> Pump(TcpClient client, TcpClient server)
    {
        var conversation = new Conversation();
        yield return PumpAsync(client.GetStream(), server.GetStream(), fromClient: true, conversation);
        yield return PumpAsync(server.GetStream(), client.GetStream(), fromClient: false, conversation);
    }

    // ReadyForQuery: 'Z', length 5, the transaction status byte.
    private static bool EndsWithReadyForQuery(byte[] buffer, int read) =>
        read >= 6 && buffer[read - 6] == (byte)'Z' && buffer[read - 5] == 0 && buffer[read - 4] == 0 && buffer[read - 3] == 0 && buffer[read - 2] == 5;

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool fromClient, Conversation conversation)
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

            lock (conversation)
            {
                if (fromClient && conversation.StartsRoundTrip())
                {
                    Interlocked.Increment(ref _roundTrips);
                }

                if (!conversation.Ready)
                {
                    // The start-up exchange (untyped messages): one round trip per answer that ends ready.
                    conversation.AwaitingClient = !fromClient && EndsWithReadyForQuery(buffer, read);
                    conversation.Ready = conversation.AwaitingClient;
                }
                else
                {
                    (fromClient ? conversation.Client : conversation.Server).Read(buffer.AsSpan(0, read), conversation, fromClient);
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), Stopping.Token);
        }
    }

    /// <summary>What one connection's two streams have said so far.</summary>
    private sealed class Conversation
    {
        public bool Ready { get; set; }

        /// <summary>The client's next bytes start a round trip (before the connection is ready: set by the start-up's ReadyForQuery).</summary>
        public bool AwaitingClient { get; set; } = true;

        /// <summary>Requests (Sync, Query) sent and not yet answered with ReadyForQuery.</summary>
        public int Outstanding { get; set; }

        /// <summary>The client's last whole message asked for an answer (Sync or Query).</summary>
        public bool LastWasRequest { get; set; }

        public MessageReader Client { get; } = new();

        public MessageReader Server { get; } = new();

        public bool StartsRoundTrip()
        {
            if (!Ready)
            {
                var starts = AwaitingClient;
                AwaitingClient = false;
                return starts;
            }

            return Client.AtBoundary && LastWasRequest && Outstanding == 0;
        }

        public void OnMessage(byte type, bool fromClient)
        {
            if (fromClient)
            {
                LastWasRequest = type is (byte)'S' or (byte)'Q';
                Outstanding += LastWasRequest ? 1 : 0;
            }
            else if (type == (byte)'Z' && Outstanding > 0)
            {
                Outstanding--;
            }
        }
    }

    /// <summary>Splits a stream of typed protocol messages (a type byte, a big-endian length that counts itself) across reads.</summary>
    private sealed class MessageReader
    {
        private readonly byte[] _header = new byte[5];
        private int _headerBytes;
        private long _bodyLeft;

        public bool AtBoundary => _headerBytes == 0 && _bodyLeft == 0;

        public void Read(ReadOnlySpan<byte> data, Conversation conversation, bool fromClient)
        {
            while (!data.IsEmpty)
            {
                if (_bodyLeft > 0)
                {
                    var skip = (int)Math.Min(_bodyLeft, data.Length);
                    _bodyLeft -= skip;
                    data = data[skip..];
                    continue;
                }

                var take = Math.Min(5 - _headerBytes, data.Length);
                data[..take].CopyTo(_header.AsSpan(_headerBytes));
                _headerBytes += take;
                data = data[take..];
                if (_headerBytes == 5)
                {
                    _headerBytes = 0;
                    _bodyLeft = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(1)) - 4;
                    conversation.OnMessage(_header[0], fromClient);
                }
            }
        }
    }
}
