// Package broadcast pushes a media source to an RTMP server with ffmpeg: the sending half of
// a Telegram live stream (a group call created with RTMP streaming on, whose URL and key come
// from phone.getGroupCallStreamRtmpUrl).
//
// A Stream owns at most one ffmpeg child process at a time. One goroutine, started by Play,
// owns that process and the stream's state (idle, playing, paused, stopped, failed); Pause,
// Resume, Seek, SetSource and Stop are requests to it. Pausing stops the child and remembers
// how far it got; resuming starts a new child at that position, so a pause costs nothing
// while it lasts and the RTMP server sees an ordinary re-publish. A child that dies while the
// stream should be playing (the RTMP server went away, the network dropped) is started again
// at the position it reached, after an exponential backoff, until Config.MaxRestarts
// consecutive attempts have made no progress.
//
// ffmpeg reports its progress on stderr (-progress pipe:2); the package parses it into
// Progress values (time, bitrate, fps, dropped frames), hands them to Config.OnEvent and logs
// them through slog. The stream key never appears in an error or a log line.
//
// No child outlives its stream: cancelling Play's context, Stop, or a failure ends the child
// with SIGINT (so ffmpeg closes the FLV stream cleanly) and SIGKILL after Config.StopTimeout;
// on Linux the child is also killed if this process dies.
package broadcast
