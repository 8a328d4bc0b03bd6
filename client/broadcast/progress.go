package broadcast

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// Progress is one report of ffmpeg's progress (a block of -progress output).
type Progress struct {
	// Position is how far into the source the stream is: the seek position it started at
	// plus the media time sent since.
	Position time.Duration
	// Sent is the media time this ffmpeg run has sent.
	Sent time.Duration
	// Frames is the number of video frames this run has sent.
	Frames int64
	// FPS is the current frame rate.
	FPS float64
	// Bitrate is the current output bitrate in bits per second, 0 when ffmpeg does not know.
	Bitrate float64
	// Bytes is the output size so far.
	Bytes int64
	// Dropped and Duplicated count the frames ffmpeg dropped or duplicated to keep the rate.
	Dropped, Duplicated int64
	// Speed is the encoding speed relative to real time (1 for a live rate).
	Speed float64
	// End is true on the run's last report.
	End bool
}

// progressParser reads ffmpeg's -progress key=value lines. A block ends with a progress=
// line, at which Line reports the block. It is sans-IO: the caller feeds lines.
type progressParser struct {
	cur Progress
}

// Line consumes one line of ffmpeg's stderr. It returns the finished report and true at the
// end of a block, and ok=false for other lines (including log lines, which are not key=value
// pairs of the progress vocabulary).
func (p *progressParser) Line(line []byte) (rep Progress, done, isProgress bool) {
	k, v, ok := bytes.Cut(line, []byte{'='})
	if !ok || len(k) == 0 || len(k) > 32 {
		return Progress{}, false, false
	}
	val := strings.TrimSpace(string(v))
	switch string(k) {
	case "frame":
		p.cur.Frames = parseInt(val)
	case "fps":
		p.cur.FPS = parseFloat(val)
	case "bitrate":
		p.cur.Bitrate = parseBitrate(val)
	case "total_size":
		p.cur.Bytes = parseInt(val)
	case "out_time_us":
		if us := parseInt(val); us > 0 {
			p.cur.Sent = time.Duration(us) * time.Microsecond
		}
	case "drop_frames":
		p.cur.Dropped = parseInt(val)
	case "dup_frames":
		p.cur.Duplicated = parseInt(val)
	case "speed":
		p.cur.Speed = parseFloat(strings.TrimSuffix(val, "x"))
	case "progress":
		rep = p.cur
		rep.End = val == "end"
		return rep, true, true
	case "out_time_ms", "out_time", "stream_0_0_q", "stream_0_1_q", "stream_1_0_q":
		// out_time_ms is microseconds too (an old ffmpeg naming slip); the others add nothing.
	default:
		if !strings.HasPrefix(string(k), "stream_") {
			return Progress{}, false, false
		}
	}
	return Progress{}, false, true
}

func parseInt(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f != f {
		return 0
	}
	return f
}

// parseBitrate reads "216.4kbits/s" (or "N/A") as bits per second.
func parseBitrate(s string) float64 {
	num, ok := strings.CutSuffix(s, "kbits/s")
	if !ok {
		return 0
	}
	return parseFloat(strings.TrimSpace(num)) * 1000
}

// maxLine bounds one stderr line; longer lines are cut into pieces of this size, so a child
// that writes without newlines costs linear time and constant memory.
const maxLine = 4096

// splitLines is a bufio.SplitFunc for ffmpeg's stderr: lines end at '\n' or '\r' (ffmpeg
// rewrites its status line with '\r'), and a line longer than maxLine is cut.
func splitLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 && i <= maxLine {
		return i + 1, data[:i], nil
	}
	if len(data) >= maxLine {
		return maxLine, data[:maxLine], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// tail keeps the last few log lines of a run for the error that reports its failure.
type tail struct {
	lines [4]string
	n     int
}

func (t *tail) add(s string) {
	if s == "" {
		return
	}
	t.lines[t.n%len(t.lines)] = s
	t.n++
}

// String joins the kept lines, oldest first.
func (t *tail) String() string {
	var b strings.Builder
	start := max(0, t.n-len(t.lines))
	for i := start; i < t.n; i++ {
		if b.Len() > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(t.lines[i%len(t.lines)])
	}
	return b.String()
}
