using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>The engine's own <see cref="PopulationPlayer"/>, minute by minute, recording each session's user and start.</summary>
internal sealed class PopulationSimulator(double sessionsPerMin, int seed)
{
    private readonly PopulationPlayer _player = new(sessionsPerMin, new Random(seed)) { RecordSessions = true };

    public List<(Guid User, DateTimeOffset At, double Progress)> Sessions => _player.Sessions;

    public Dictionary<Guid, UserState> Users => _player.Users;

    /// <summary>Starts from a fresh install's steady state (the warm-up, in 5-minute steps), as the engine does.</summary>
    public void WarmUp(DateTimeOffset start)
    {
        _player.WarmUp(start, TimeSpan.FromMinutes(5));
        _player.Sessions.Clear();
    }

    public TimeSpan Backlog(DateTimeOffset now) => _player.Backlog(now);

    public void Run(DateTimeOffset start, int days) => _player.Play(start, TimeSpan.FromDays(days), TimeSpan.FromMinutes(1));
}
