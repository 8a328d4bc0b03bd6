package broadcast

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeRunner starts fake children the test ends by hand.
type fakeRunner struct {
	mu      sync.Mutex
	runs    []*fakeRun
	started chan *fakeRun
	fail    error // start fails with it when set
}

type fakeRun struct {
	p    *proc
	args []string
	base time.Duration
	sink procSink
}

func newFakeRunner() *fakeRunner { return &fakeRunner{started: make(chan *fakeRun, 16)} }

func (f *fakeRunner) start(ctx context.Context, args []string, _ io.Reader, base time.Duration, sink procSink) (*proc, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	pctx, cancel := context.WithCancel(ctx)
	p := &proc{cancel: cancel, done: make(chan error, 1), base: base}
	r := &fakeRun{p: p, args: args, base: base, sink: sink}
	f.mu.Lock()
	f.runs = append(f.runs, r)
	f.mu.Unlock()
	// The child ends when cancelled, as ffmpeg does on SIGINT.
	go func() {
		<-pctx.Done()
		select {
		case p.done <- nil:
		default:
		}
	}()
	f.started <- r
	return p, nil
}

// report makes the run report sent seconds of media.
func (r *fakeRun) report(sent time.Duration) {
	r.p.sent.Store(int64(sent))
	r.p.progressed.Store(true)
	r.sink.progress(Progress{Sent: sent, Position: r.base + sent})
}

// die ends the run on its own with err (nil: the source ended).
func (r *fakeRun) die(err error) { r.p.done <- err }

func (r *fakeRun) arg(flag string) string {
	if i := slices.Index(r.args, flag); i >= 0 && i+1 < len(r.args) {
		return r.args[i+1]
	}
	return ""
}

// recorder collects the stream's state events.
type recorder struct {
	mu     sync.Mutex
	states []State
	ch     chan Event
}

func newRecorder() *recorder { return &recorder{ch: make(chan Event, 256)} }

func (r *recorder) on(e Event) {
	if e.Kind == EventState {
		r.mu.Lock()
		r.states = append(r.states, e.State)
		r.mu.Unlock()
	}
	r.ch <- e
}

func (r *recorder) wait(t *testing.T, kind EventKind) Event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-r.ch:
			if e.Kind == kind {
				return e
			}
		case <-timeout:
			t.Fatalf("no event of kind %d", kind)
		}
	}
}

func newTestStream(t *testing.T, cfg Config) (*Stream, *fakeRunner, *recorder) {
	t.Helper()
	rec := newRecorder()
	cfg.OnEvent = rec.on
	if cfg.URL == "" {
		cfg.URL = "rtmp://127.0.0.1:1935/live/"
	}
	if cfg.Key == "" {
		cfg.Key = "secret-key"
	}
	if cfg.Source.IsZero() {
		cfg.Source = File("in.mp4")
	}
	if cfg.RestartDelay == 0 {
		cfg.RestartDelay = time.Millisecond
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fr := newFakeRunner()
	s.runner = fr
	t.Cleanup(func() { _ = s.Stop() })
	return s, fr, rec
}

func TestPlayErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		path string // PATH for the test; "" keeps it
		want error
	}{
		{"no source", Config{URL: "rtmp://h/app"}, "", ErrNoInputSource},
		{"no url", Config{Source: File("x.mp4")}, "", ErrNoRTMPURL},
		{"no ffmpeg on PATH", Config{Source: File("x.mp4"), URL: "rtmp://h/app"}, t.TempDir(), ErrFFmpegNotFound},
		{"configured ffmpeg missing", Config{Source: File("x.mp4"), URL: "rtmp://h/app", FFmpegPath: "/nonexistent/ffmpeg"}, "", ErrFFmpegNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path != "" {
				t.Setenv("PATH", tt.path)
			}
			s, err := New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Play(t.Context()); !errors.Is(err, tt.want) {
				t.Fatalf("Play = %v, want %v", err, tt.want)
			}
			if got := s.State(); got != StateIdle {
				t.Errorf("state after a refused Play = %v, want idle", got)
			}
		})
	}
}

func TestConfigValidation(t *testing.T) {
	bad := []Config{
		{URL: "http://example.com/live"},
		{URL: "rtmp:///nohost"},
		{URL: "rtmp://h/%zz"},
		{VideoBitrate: -1},
		{Width: 100000},
		{FrameRate: 1000},
		{VideoCodec: "-filter_complex"},
		{Preset: "fast; rm -rf"},
	}
	for _, cfg := range bad {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	s, _ := New(Config{})
	if err := s.SetURL("ftp://x/y"); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("SetURL(ftp) = %v", err)
	}
	if err := s.SetURL("rtmp://user:pa%zzss@host/app"); err == nil || strings.Contains(err.Error(), "pa%zzss") {
		t.Errorf("SetURL with a bad escape = %v (must fail without echoing the URL)", err)
	}
}

func TestTransitions(t *testing.T) {
	s, fr, rec := newTestStream(t, Config{})
	ctx := t.Context()

	if err := s.Resume(); !errors.Is(err, ErrNotPaused) {
		t.Fatalf("Resume before Play = %v", err)
	}
	if err := s.Pause(); !errors.Is(err, ErrNotPlaying) {
		t.Fatalf("Pause before Play = %v", err)
	}
	if err := s.Play(ctx); err != nil {
		t.Fatal(err)
	}
	r1 := <-fr.started
	if got, want := r1.args[len(r1.args)-1], "rtmp://127.0.0.1:1935/live/secret-key"; got != want {
		t.Errorf("target = %q, want %q", got, want)
	}
	if err := s.Play(ctx); !errors.Is(err, ErrAlreadyPlaying) {
		t.Fatalf("second Play = %v", err)
	}
	if err := s.Resume(); !errors.Is(err, ErrNotPaused) {
		t.Fatalf("Resume while playing = %v", err)
	}
	r1.report(3 * time.Second)
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	if got := s.Position(); got != 3*time.Second {
		t.Errorf("position after pause = %v", got)
	}
	if err := s.Pause(); !errors.Is(err, ErrNotPlaying) {
		t.Fatalf("Pause while paused = %v", err)
	}
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	r2 := <-fr.started
	if got := r2.arg("-ss"); got != "3.000" {
		t.Errorf("resume starts at -ss %q, want 3.000", got)
	}
	if err := s.Seek(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	r3 := <-fr.started
	if got := r3.arg("-ss"); got != "10.000" {
		t.Errorf("seek starts at -ss %q, want 10.000", got)
	}
	if err := s.SetSource(URL("https://example.com/b.mp4")); err != nil {
		t.Fatal(err)
	}
	r4 := <-fr.started
	if got := r4.arg("-i"); got != "https://example.com/b.mp4" {
		t.Errorf("new source -i %q", got)
	}
	if r4.arg("-ss") != "" {
		t.Errorf("a new source starts from its beginning, got -ss %q", r4.arg("-ss"))
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	<-s.Done()
	if got := s.State(); got != StateStopped {
		t.Errorf("state after Stop = %v", got)
	}
	rec.mu.Lock()
	got := slices.Clone(rec.states)
	rec.mu.Unlock()
	want := []State{StatePlaying, StatePaused, StatePlaying, StateStopped}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state events (-want +got):\n%s", diff)
	}
	// Played again, it starts over.
	if err := s.Play(ctx); err != nil {
		t.Fatal(err)
	}
	if r := <-fr.started; r.arg("-ss") != "" {
		t.Errorf("replay after stop starts at -ss %q", r.arg("-ss"))
	}
}

func TestRestartAfterDrop(t *testing.T) {
	s, fr, rec := newTestStream(t, Config{MaxRestarts: 2})
	if err := s.Play(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := <-fr.started
	r.report(2 * time.Second)
	r.die(errors.New("connection reset"))
	ev := rec.wait(t, EventRestart)
	if ev.Attempt != 1 {
		t.Errorf("attempt = %d", ev.Attempt)
	}
	r = <-fr.started
	if got := r.arg("-ss"); got != "2.000" {
		t.Errorf("restart at -ss %q, want 2.000", got)
	}
	// Two more deaths without progress exhaust MaxRestarts=2.
	r.die(errors.New("refused"))
	r = <-fr.started
	r.die(errors.New("refused again"))
	<-s.Done()
	if s.State() != StateFailed || s.Err() == nil || !strings.Contains(s.Err().Error(), "refused again") {
		t.Fatalf("state %v err %v, want failed with the last cause", s.State(), s.Err())
	}
}

func TestSourceEnds(t *testing.T) {
	s, fr, _ := newTestStream(t, Config{})
	if err := s.Play(t.Context()); err != nil {
		t.Fatal(err)
	}
	(<-fr.started).die(nil)
	<-s.Done()
	if s.State() != StateStopped || s.Err() != nil {
		t.Fatalf("state %v err %v", s.State(), s.Err())
	}
}

func TestContextCancelStops(t *testing.T) {
	s, fr, _ := newTestStream(t, Config{})
	ctx, cancel := context.WithCancel(t.Context())
	if err := s.Play(ctx); err != nil {
		t.Fatal(err)
	}
	r := <-fr.started
	cancel()
	<-s.Done()
	select {
	case <-r.p.done:
	default:
	}
	if s.State() != StateStopped {
		t.Fatalf("state %v", s.State())
	}
}

func TestLiveSourceCannotSeek(t *testing.T) {
	s, fr, _ := newTestStream(t, Config{Source: Reader(strings.NewReader(""), "mpegts"), Loop: true})
	if err := s.Seek(time.Second); !errors.Is(err, ErrNotSeekable) {
		t.Fatalf("Seek = %v", err)
	}
	if err := s.Play(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := <-fr.started
	for _, flag := range []string{"-re", "-stream_loop", "-ss", "-nostdin"} {
		if slices.Contains(r.args, flag) {
			t.Errorf("live reader run has %s: %q", flag, r.args)
		}
	}
	if r.arg("-f") != "mpegts" || r.arg("-i") != "pipe:0" {
		t.Errorf("reader args %q", r.args)
	}
}

func TestArgs(t *testing.T) {
	cfg := Config{VideoBitrate: 2_000_000, AudioBitrate: 128_000, Width: 1280, FrameRate: 30, Loop: true}.withDefaults()
	got := strings.Join(cfg.args(File("a.mp4"), 1500*time.Millisecond, "rtmp://h/app/k"), " ")
	want := "-hide_banner -nostats -loglevel warning -progress pipe:2 -nostdin -re -stream_loop -1 -ss 1.500 -i a.mp4 " +
		"-c:v libx264 -preset veryfast -tune zerolatency -pix_fmt yuv420p -b:v 2000000 -maxrate 2000000 -bufsize 4000000 " +
		"-vf scale=1280:-2 -r 30 -g 60 -c:a aac -b:a 128000 -f flv rtmp://h/app/k"
	if got != want {
		t.Errorf("args\n got %s\nwant %s", got, want)
	}
	cp := Config{Copy: true}.withDefaults()
	if got := strings.Join(cp.args(URL("http://x/a.m3u8"), 0, "rtmp://h/k"), " "); !strings.Contains(got, "-c:v copy -c:a copy -f flv") {
		t.Errorf("copy args %s", got)
	}
}
