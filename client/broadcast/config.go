package broadcast

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Source is what a stream plays: a file, a URL, or a live reader. The zero Source is none.
type Source struct {
	input  string    // path or URL given to ffmpeg's -i
	reader io.Reader // piped to ffmpeg's stdin when not nil
	format string    // -f before -i, for readers
	live   bool      // no -re, no seeking, no loop
}

// File plays the media file at path at its own rate (ffmpeg -re); it can seek and loop.
func File(path string) Source { return Source{input: path} }

// URL plays a remote source ffmpeg can read: HTTP(S) files, HLS playlists, another RTMP
// stream. A recorded file behind a URL can seek; use LiveURL for a source that is live.
func URL(u string) Source { return Source{input: u} }

// LiveURL plays a live remote source (an HLS or RTMP broadcast): it is read as fast as it
// arrives and cannot seek or loop.
func LiveURL(u string) Source { return Source{input: u, live: true} }

// Reader plays a live stream read from r in container format (an ffmpeg -f name such as
// "mpegts", "flv" or "matroska"; empty lets ffmpeg guess). It cannot seek or loop; after a
// pause or a restart ffmpeg goes on reading r where the previous run stopped.
func Reader(r io.Reader, format string) Source {
	return Source{input: "pipe:0", reader: r, format: format, live: true}
}

// IsZero reports whether s is no source.
func (s Source) IsZero() bool { return s.input == "" }

// Seekable reports whether the stream can seek in s.
func (s Source) Seekable() bool { return !s.IsZero() && !s.live }

// Event kinds.
const (
	// EventState reports a change of state (Event.State; Event.Err for StateFailed).
	EventState EventKind = iota + 1
	// EventProgress reports ffmpeg's progress (Event.Progress).
	EventProgress
	// EventRestart reports that the child died and will be started again (Event.Attempt,
	// Event.Err, Event.Delay).
	EventRestart
)

// EventKind says what an Event reports.
type EventKind int

// Event is a report of a stream, for Config.OnEvent.
type Event struct {
	Kind     EventKind
	State    State
	Progress Progress
	// Attempt counts the consecutive restarts without progress (EventRestart).
	Attempt int
	// Delay is the backoff before the restart (EventRestart).
	Delay time.Duration
	// Err is why the child died (EventRestart) or why the stream failed (StateFailed).
	Err error
}

// Config configures a Stream. The zero value re-encodes to H.264 and AAC with ffmpeg from
// PATH.
type Config struct {
	// FFmpegPath is the ffmpeg binary; empty looks "ffmpeg" up on PATH.
	FFmpegPath string
	// URL and Key name the RTMP endpoint (the stream is published to URL/Key); both can be
	// set later with SetURL and SetKey.
	URL, Key string
	// Source is what to play; it can be set later with SetSource.
	Source Source

	// Copy passes the source's video and audio through without re-encoding (the source
	// must already be H.264/AAC or what the server accepts); the codec, bitrate, size and
	// frame-rate fields below are then ignored.
	Copy bool
	// VideoCodec and AudioCodec are ffmpeg encoder names; defaults libx264 and aac.
	VideoCodec, AudioCodec string
	// VideoBitrate and AudioBitrate are in bits per second; 0 leaves the encoder's default.
	VideoBitrate, AudioBitrate int
	// Width and Height scale the video (0 keeps the source's; one of them 0 keeps the
	// aspect ratio).
	Width, Height int
	// FrameRate sets the output frame rate; 0 keeps the source's.
	FrameRate int
	// Preset is the x264 preset; default "veryfast".
	Preset string
	// Loop plays a seekable source again from the start when it ends, until stopped.
	Loop bool

	// MaxRestarts is how many consecutive restarts without progress are tried before the
	// stream fails; default 5, negative for none.
	MaxRestarts int
	// RestartDelay and MaxRestartDelay bound the exponential backoff between restarts;
	// defaults 500 ms and 30 s.
	RestartDelay, MaxRestartDelay time.Duration
	// StopTimeout is how long ffmpeg may take to finish after SIGINT before it is killed;
	// default 5 s.
	StopTimeout time.Duration

	// OnEvent, when set, receives the stream's events in order, from one goroutine. It must
	// not block for long; progress reports are dropped while it lags.
	OnEvent func(Event)
	// Logger receives the stream's log lines; default slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.VideoCodec == "" {
		c.VideoCodec = "libx264"
	}
	if c.AudioCodec == "" {
		c.AudioCodec = "aac"
	}
	if c.Preset == "" {
		c.Preset = "veryfast"
	}
	if c.MaxRestarts == 0 {
		c.MaxRestarts = 5
	}
	if c.RestartDelay <= 0 {
		c.RestartDelay = 500 * time.Millisecond
	}
	if c.MaxRestartDelay <= 0 {
		c.MaxRestartDelay = 30 * time.Second
	}
	if c.StopTimeout <= 0 {
		c.StopTimeout = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.VideoBitrate < 0, c.AudioBitrate < 0:
		return fmt.Errorf("%w: negative bitrate", ErrInvalidConfig)
	case c.Width < 0, c.Height < 0, c.Width > 16384, c.Height > 16384:
		return fmt.Errorf("%w: size %dx%d", ErrInvalidConfig, c.Width, c.Height)
	case c.FrameRate < 0 || c.FrameRate > 240:
		return fmt.Errorf("%w: frame rate %d", ErrInvalidConfig, c.FrameRate)
	}
	for name, v := range map[string]string{"video codec": c.VideoCodec, "audio codec": c.AudioCodec, "preset": c.Preset} {
		if !isWord(v) {
			return fmt.Errorf("%w: %s %q", ErrInvalidConfig, name, v)
		}
	}
	if c.URL != "" {
		if err := checkURL(c.URL); err != nil {
			return err
		}
	}
	return nil
}

// isWord accepts encoder and preset names: letters, digits, '_' and '-', not starting with
// '-' (so nothing is read by ffmpeg as an option).
func isWord(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// checkURL accepts rtmp:// and rtmps:// URLs with a host.
func checkURL(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidURL, redactURLError(err))
	}
	if (p.Scheme != "rtmp" && p.Scheme != "rtmps") || p.Host == "" {
		return fmt.Errorf("%w: want rtmp:// or rtmps:// with a host, got scheme %q", ErrInvalidURL, p.Scheme)
	}
	return nil
}

// redactURLError drops the URL text from a url.Error: it may hold credentials.
func redactURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// target joins the endpoint and the key the way Telegram hands them out (URL ends in '/').
func target(u, key string) string {
	if key == "" {
		return u
	}
	if strings.HasSuffix(u, "/") {
		return u + key
	}
	return u + "/" + key
}

// args builds ffmpeg's command line for playing src from position pos to dst.
func (c Config) args(src Source, pos time.Duration, dst string) []string {
	a := []string{"-hide_banner", "-nostats", "-loglevel", "warning", "-progress", "pipe:2"}
	if src.reader == nil {
		a = append(a, "-nostdin")
	}
	if !src.live {
		a = append(a, "-re")
		if c.Loop {
			a = append(a, "-stream_loop", "-1")
		}
		if pos > 0 {
			a = append(a, "-ss", strconv.FormatFloat(pos.Seconds(), 'f', 3, 64))
		}
	}
	if src.format != "" {
		a = append(a, "-f", src.format)
	}
	a = append(a, "-i", src.input)
	if c.Copy {
		a = append(a, "-c:v", "copy", "-c:a", "copy")
	} else {
		a = append(a, "-c:v", c.VideoCodec)
		if c.VideoCodec == "libx264" {
			a = append(a, "-preset", c.Preset, "-tune", "zerolatency", "-pix_fmt", "yuv420p")
		}
		if c.VideoBitrate > 0 {
			b := strconv.Itoa(c.VideoBitrate)
			a = append(a, "-b:v", b, "-maxrate", b, "-bufsize", strconv.Itoa(2*c.VideoBitrate))
		}
		if c.Width > 0 || c.Height > 0 {
			a = append(a, "-vf", fmt.Sprintf("scale=%d:%d", scaleDim(c.Width), scaleDim(c.Height)))
		}
		if c.FrameRate > 0 {
			a = append(a, "-r", strconv.Itoa(c.FrameRate), "-g", strconv.Itoa(2*c.FrameRate))
		}
		a = append(a, "-c:a", c.AudioCodec)
		if c.AudioBitrate > 0 {
			a = append(a, "-b:a", strconv.Itoa(c.AudioBitrate))
		}
	}
	return append(a, "-f", "flv", dst)
}

// scaleDim maps an unset dimension to ffmpeg's "keep the aspect ratio, even size".
func scaleDim(n int) int {
	if n == 0 {
		return -2
	}
	return n
}
