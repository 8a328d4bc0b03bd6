// Package rtmptest finds the real tools that live-stream tests need: ffmpeg, ffprobe and a
// local RTMP server (nginx with the RTMP module, started by scripts/services.d/nginx-rtmp.sh),
// makes test-pattern media and probes what a server recorded.
//
// A test that needs them calls Server: it skips with a message when they are absent, and
// fails instead when MTGO_CI is set, so CI cannot pass by skipping.
package rtmptest

import (
	"encoding/json"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Defaults of scripts/services.d/nginx-rtmp.sh; MTGO_RTMP_ADDR and MTGO_RTMP_RECORD_DIR
// override them.
const (
	DefaultAddr      = "127.0.0.1:41935"
	DefaultRecordDir = "/tmp/mtgo-rtmp/rec"
)

// Need skips (or, under MTGO_CI, fails) the test when ok is false.
func Need(t testing.TB, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("MTGO_CI") != "" {
		t.Fatalf("%s is required under MTGO_CI (see scripts/services.d/nginx-rtmp.sh and .ci/run)", what)
	}
	t.Skipf("%s not available (install ffmpeg, nginx and libnginx-mod-rtmp, then run scripts/services.d/nginx-rtmp.sh)", what)
}

// Tools checks for ffmpeg and ffprobe on PATH.
func Tools(t testing.TB) {
	t.Helper()
	_, err := exec.LookPath("ffmpeg")
	Need(t, "ffmpeg", err == nil)
	_, err = exec.LookPath("ffprobe")
	Need(t, "ffprobe", err == nil)
}

// Server checks for the tools and the RTMP server and returns the server's address and the
// directory where it records each stream as <key>.flv.
func Server(t testing.TB) (addr, recordDir string) {
	t.Helper()
	Tools(t)
	addr = envOr("MTGO_RTMP_ADDR", DefaultAddr)
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	Need(t, "an RTMP server on "+addr, err == nil)
	c.Close()
	return addr, envOr("MTGO_RTMP_RECORD_DIR", DefaultRecordDir)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// Pattern writes a seconds-long H.264/AAC test pattern (lavfi testsrc and a sine tone) to a
// temporary MP4 file and returns its path.
func Pattern(t testing.TB, seconds int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pattern.mp4")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
		"-t", strconv.Itoa(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
		"-c:a", "aac", "-b:a", "32k", path).CombinedOutput()
	if err != nil {
		t.Fatalf("make test pattern: %v: %s", err, out)
	}
	return path
}

// Probe runs ffprobe on path and returns its streams' codec names and its duration.
func Probe(t testing.TB, path string) (codecs []string, dur time.Duration) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p struct {
		Streams []struct {
			CodecName string `json:"codec_name"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("ffprobe output: %v", err)
	}
	for _, s := range p.Streams {
		codecs = append(codecs, s.CodecName)
	}
	secs, _ := strconv.ParseFloat(p.Format.Duration, 64)
	return codecs, time.Duration(secs * float64(time.Second))
}

// Recording returns the path of the recording of stream key in recordDir. nginx-rtmp escapes
// the stream name for the file name (a Telegram key's ':' becomes %3A).
func Recording(recordDir, key string) string {
	return filepath.Join(recordDir, url.QueryEscape(key)+".flv")
}
