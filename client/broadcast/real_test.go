package broadcast

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/broadcast/rtmptest"
)

// These tests run the real ffmpeg against the real nginx RTMP server that
// scripts/services.d/nginx-rtmp.sh starts (found by package rtmptest). They skip when either
// is missing, unless MTGO_CI is set.

// childFFmpegs lists this process's ffmpeg children from the process table.
func childFFmpegs(t *testing.T) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	me := os.Getpid()
	var kids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		open, close := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
		if open < 0 || close < open {
			continue
		}
		fields := strings.Fields(string(b[close+1:]))
		if len(fields) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == me && string(b[open+1:close]) == "ffmpeg" {
			kids = append(kids, pid)
		}
	}
	return kids
}

func noChildren(t *testing.T) {
	t.Helper()
	if kids := childFFmpegs(t); len(kids) > 0 {
		t.Fatalf("ffmpeg children left behind: %v", kids)
	}
}

// progressWatch signals when the stream has sent at least some media time.
type progressWatch struct {
	mu       sync.Mutex
	restarts atomic.Int32
	waiters  []func(Event) bool
}

func (w *progressWatch) on(e Event) {
	if e.Kind == EventRestart {
		w.restarts.Add(1)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, f := range w.waiters {
		if f != nil && f(e) {
			w.waiters[i] = nil
		}
	}
}

// until blocks until an event satisfies f.
func (w *progressWatch) until(t *testing.T, what string, f func(Event) bool) {
	t.Helper()
	ch := make(chan struct{})
	w.mu.Lock()
	w.waiters = append(w.waiters, func(e Event) bool {
		if f(e) {
			close(ch)
			return true
		}
		return false
	})
	w.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

func uniqueKey(t *testing.T) string {
	return fmt.Sprintf("%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
}

func TestRealPlayArrives(t *testing.T) {
	addr, rec := rtmptest.Server(t)
	src := rtmptest.Pattern(t, 3)
	key := uniqueKey(t)
	s, err := New(Config{URL: "rtmp://" + addr + "/live/", Key: key, Source: File(src), Preset: "ultrafast"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Play(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-s.Done()
	if s.State() != StateStopped || s.Err() != nil {
		t.Fatalf("after the source ended: state %v err %v", s.State(), s.Err())
	}
	noChildren(t)
	codecs, dur := rtmptest.Probe(t, rtmptest.Recording(rec, key))
	if strings.Join(codecs, ",") != "h264,aac" {
		t.Errorf("codecs %v, want h264,aac", codecs)
	}
	if dur < 2500*time.Millisecond || dur > 3500*time.Millisecond {
		t.Errorf("recorded %v, want about 3s", dur)
	}
}

func TestRealReaderSource(t *testing.T) {
	addr, rec := rtmptest.Server(t)
	ts := filepath.Join(t.TempDir(), "p.ts")
	if out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-i", rtmptest.Pattern(t, 2), "-c", "copy", "-f", "mpegts", ts).CombinedOutput(); err != nil {
		t.Fatalf("remux: %v: %s", err, out)
	}
	f, err := os.Open(ts)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	key := uniqueKey(t)
	s, err := New(Config{URL: "rtmp://" + addr + "/live", Key: key, Source: Reader(struct{ io.Reader }{f}, "mpegts"), Copy: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Play(t.Context()); err != nil {
		t.Fatal(err)
	}
	<-s.Done()
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	if codecs, _ := rtmptest.Probe(t, rtmptest.Recording(rec, key)); strings.Join(codecs, ",") != "h264,aac" {
		t.Errorf("codecs %v", codecs)
	}
}

func TestRealPauseResumeSeekStop(t *testing.T) {
	addr, _ := rtmptest.Server(t)
	w := &progressWatch{}
	s, err := New(Config{URL: "rtmp://" + addr + "/live/", Key: uniqueKey(t), Source: File(rtmptest.Pattern(t, 20)),
		Preset: "ultrafast", OnEvent: w.on})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Play(t.Context()); err != nil {
		t.Fatal(err)
	}
	w.until(t, "one second sent", func(e Event) bool { return e.Kind == EventProgress && e.Progress.Sent >= time.Second })
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	paused := s.Position()
	if paused < time.Second {
		t.Errorf("paused at %v", paused)
	}
	noChildren(t) // a paused stream runs no ffmpeg
	if err := s.Resume(); !errors.Is(err, nil) {
		t.Fatal(err)
	}
	w.until(t, "progress after resume", func(e Event) bool {
		return e.Kind == EventProgress && e.Progress.Position > paused
	})
	if err := s.Seek(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	w.until(t, "progress after seek", func(e Event) bool {
		return e.Kind == EventProgress && e.Progress.Position >= 15*time.Second
	})
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	noChildren(t)
}

func TestRealCancelLeavesNoProcess(t *testing.T) {
	addr, _ := rtmptest.Server(t)
	w := &progressWatch{}
	s, err := New(Config{URL: "rtmp://" + addr + "/live/", Key: uniqueKey(t), Source: File(rtmptest.Pattern(t, 20)),
		Preset: "ultrafast", OnEvent: w.on})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	if err := s.Play(ctx); err != nil {
		t.Fatal(err)
	}
	w.until(t, "progress", func(e Event) bool { return e.Kind == EventProgress && e.Progress.Sent > 0 })
	if len(childFFmpegs(t)) != 1 {
		t.Fatalf("want one ffmpeg child while playing, have %v", childFFmpegs(t))
	}
	cancel()
	<-s.Done()
	noChildren(t)
}

// cuttable is a TCP relay to the RTMP server that the test can take away and bring back.
type cuttable struct {
	addr, to string
	mu       sync.Mutex
	ln       net.Listener
	conns    []net.Conn
}

func newCuttable(t *testing.T, to string) *cuttable {
	c := &cuttable{to: to}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().String()
	c.serve(ln)
	t.Cleanup(c.cut)
	return c
}

func (c *cuttable) serve(ln net.Listener) {
	c.mu.Lock()
	c.ln = ln
	c.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", c.to)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go func() { _, _ = io.Copy(out, in); out.Close() }()
			go func() { _, _ = io.Copy(in, out); in.Close() }()
		}
	}()
}

// cut closes the listener and every relayed connection: the server is gone.
func (c *cuttable) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ln != nil {
		c.ln.Close()
		c.ln = nil
	}
	for _, cn := range c.conns {
		cn.Close()
	}
	c.conns = nil
}

// restore listens on the same address again.
func (c *cuttable) restore(t *testing.T) {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		t.Fatalf("relisten %s: %v", c.addr, err)
	}
	c.serve(ln)
}

func TestRealServerGoesAwayAndComesBack(t *testing.T) {
	addr, _ := rtmptest.Server(t)
	relay := newCuttable(t, addr)
	w := &progressWatch{}
	s, err := New(Config{URL: "rtmp://" + relay.addr + "/live/", Key: uniqueKey(t), Source: File(rtmptest.Pattern(t, 30)),
		Preset: "ultrafast", OnEvent: w.on, RestartDelay: 200 * time.Millisecond, MaxRestarts: 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Play(t.Context()); err != nil {
		t.Fatal(err)
	}
	w.until(t, "progress", func(e Event) bool { return e.Kind == EventProgress && e.Progress.Sent >= time.Second })
	relay.cut()
	w.until(t, "a restart", func(e Event) bool { return e.Kind == EventRestart })
	before := s.Position()
	relay.restore(t)
	w.until(t, "progress after the server came back", func(e Event) bool {
		return e.Kind == EventProgress && e.Progress.Sent > 500*time.Millisecond && e.Progress.Position > before
	})
	if s.State() != StatePlaying {
		t.Fatalf("state %v", s.State())
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	noChildren(t)
}
