package broadcast

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestProgressParser(t *testing.T) {
	in := "frame=50\nfps=24.94\nstream_0_0_q=16.0\nbitrate= 216.4kbits/s\ntotal_size=54651\n" +
		"out_time_us=2020000\nout_time_ms=2020000\nout_time=00:00:02.020000\ndup_frames=1\ndrop_frames=3\n" +
		"speed=1.01x\nprogress=continue\n" +
		"[flv @ 0x1] Failed to update header with correct duration.\n" +
		"bitrate=N/A\nout_time_us=N/A\nspeed=N/A\nprogress=end\n"
	var p progressParser
	var reps []Progress
	var logs []string
	sc := bufio.NewScanner(strings.NewReader(in))
	sc.Split(splitLines)
	for sc.Scan() {
		rep, done, isProgress := p.Line(sc.Bytes())
		switch {
		case done:
			reps = append(reps, rep)
		case !isProgress:
			logs = append(logs, sc.Text())
		}
	}
	want := []Progress{
		{Sent: 2020 * time.Millisecond, Frames: 50, FPS: 24.94, Bitrate: 216400, Bytes: 54651, Dropped: 3, Duplicated: 1, Speed: 1.01},
		{Sent: 2020 * time.Millisecond, Frames: 50, FPS: 24.94, Bytes: 54651, Dropped: 3, Duplicated: 1, End: true},
	}
	if diff := cmp.Diff(want, reps, cmp.Comparer(func(a, b float64) bool { d := a - b; return d < 1e-6 && d > -1e-6 })); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
	if len(logs) != 1 || !strings.Contains(logs[0], "Failed to update header") {
		t.Errorf("log lines %q", logs)
	}
}

func TestSplitLinesBounded(t *testing.T) {
	// A carriage-return status line, then one huge line without a newline.
	in := "a\rb\n" + strings.Repeat("x", 3*maxLine+5)
	sc := bufio.NewScanner(strings.NewReader(in))
	sc.Buffer(make([]byte, 0, maxLine), 2*maxLine)
	sc.Split(splitLines)
	var lens []int
	for sc.Scan() {
		lens = append(lens, len(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 1, maxLine, maxLine, maxLine, 5}, lens); diff != "" {
		t.Errorf("line lengths (-want +got):\n%s", diff)
	}
}

func TestTail(t *testing.T) {
	var tl tail
	for _, s := range []string{"1", "2", "", "3", "4", "5"} {
		tl.add(s)
	}
	if got := tl.String(); got != "2 | 3 | 4 | 5" {
		t.Errorf("tail = %q", got)
	}
}

func FuzzProgress(f *testing.F) {
	f.Add([]byte("frame=1\nbitrate=1.0kbits/s\nout_time_us=5\nprogress=end\n"))
	f.Add([]byte("speed=NaNx\rfps=-1\n=\n==\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p progressParser
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, maxLine), 2*maxLine)
		sc.Split(splitLines)
		for sc.Scan() {
			if len(sc.Bytes()) > maxLine {
				t.Fatalf("line of %d bytes", len(sc.Bytes()))
			}
			rep, _, _ := p.Line(sc.Bytes())
			if rep.Sent < 0 || rep.FPS < 0 || rep.Bitrate < 0 || rep.Speed < 0 {
				t.Fatalf("negative report %+v", rep)
			}
		}
	})
}
