package broadcast

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// State is where a stream is in its life.
type State int32

// The states of a stream.
const (
	// StateIdle: never played.
	StateIdle State = iota
	// StatePlaying: a child is (or is about to be, during a restart) sending the source.
	StatePlaying
	// StatePaused: no child runs; Resume goes on from Position.
	StatePaused
	// StateStopped: stopped by Stop or a cancelled context, or the source ended.
	StateStopped
	// StateFailed: the child kept dying; Err says why.
	StateFailed
)

func (s State) String() string {
	switch s {
	case StateIdle:
		return "idle"
	case StatePlaying:
		return "playing"
	case StatePaused:
		return "paused"
	case StateStopped:
		return "stopped"
	case StateFailed:
		return "failed"
	}
	return fmt.Sprintf("State(%d)", int32(s))
}

// Stream pushes one source at a time to one RTMP endpoint through ffmpeg. Its methods are
// safe for concurrent use.
type Stream struct {
	cfg    Config
	runner runner // nil until Play finds ffmpeg (tests set it)

	mu       sync.Mutex
	url, key string
	src      Source
	state    State
	pos      time.Duration // where the next run starts
	last     Progress
	err      error
	cmds     chan command  // to the owner loop while it runs
	loopDone chan struct{} // closed when the owner loop ends

	events eventQueue
}

type op int

const (
	opPause op = iota + 1
	opResume
	opStop
	opSeek
	opSource
)

type command struct {
	op    op
	pos   time.Duration
	src   Source
	reply chan error
}

// New returns an idle stream.
func New(cfg Config) (*Stream, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Stream{cfg: cfg, url: cfg.URL, key: cfg.Key, src: cfg.Source}, nil
}

// SetURL sets the RTMP endpoint (rtmp:// or rtmps://). It applies from the next start of
// ffmpeg (Play, Resume, Seek, a restart).
func (s *Stream) SetURL(u string) error {
	if err := checkURL(u); err != nil {
		return err
	}
	s.mu.Lock()
	s.url = u
	s.mu.Unlock()
	return nil
}

// SetKey sets the stream key appended to the URL. It applies from the next start of ffmpeg.
func (s *Stream) SetKey(key string) {
	s.mu.Lock()
	s.key = key
	s.mu.Unlock()
}

// State returns the stream's state.
func (s *Stream) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Err returns why the stream failed (StateFailed), nil otherwise.
func (s *Stream) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Progress returns ffmpeg's last report.
func (s *Stream) Progress() Progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// Position returns how far into the source the stream is.
func (s *Stream) Position() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == StatePlaying && s.last.Position > s.pos {
		return s.last.Position
	}
	return s.pos
}

// Done returns a channel closed when the current play ends (stopped, failed or the source
// ended), or a closed channel when the stream is not playing or paused.
func (s *Stream) Done() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loopDone == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return s.loopDone
}

// Play starts sending the source and returns once ffmpeg has started. ctx bounds the whole
// play: cancelling it stops the stream. A paused stream resumes. Errors: ErrAlreadyPlaying,
// ErrNoInputSource, ErrNoRTMPURL, ErrFFmpegNotFound, or the failure to start ffmpeg.
func (s *Stream) Play(ctx context.Context) error {
	s.mu.Lock()
	switch {
	case s.state == StatePlaying:
		s.mu.Unlock()
		return ErrAlreadyPlaying
	case s.state == StatePaused:
		s.mu.Unlock()
		return s.Resume()
	case s.src.IsZero():
		s.mu.Unlock()
		return ErrNoInputSource
	case s.url == "":
		s.mu.Unlock()
		return ErrNoRTMPURL
	}
	if s.runner == nil {
		path, err := findFFmpeg(s.cfg.FFmpegPath)
		if err != nil {
			s.mu.Unlock()
			return err
		}
		s.runner = execRunner{path: path, stopTimeout: s.cfg.StopTimeout}
	}
	if prev := s.loopDone; prev != nil {
		// The previous play's loop has set its final state; let it finish delivering events.
		s.mu.Unlock()
		<-prev
		s.mu.Lock()
		if s.cmds != nil { // another Play won the race
			s.mu.Unlock()
			return ErrAlreadyPlaying
		}
	}
	if s.state == StateStopped || s.state == StateFailed {
		s.err = nil
	}
	s.cmds = make(chan command)
	s.loopDone = make(chan struct{})
	first := s.pos
	s.mu.Unlock()

	ready := make(chan error, 1)
	s.events.open(s.cfg.OnEvent)
	go s.loop(ctx, first, ready)
	return <-ready
}

// findFFmpeg resolves the configured path or looks ffmpeg up on PATH.
func findFFmpeg(path string) (string, error) {
	name := path
	if name == "" {
		name = "ffmpeg"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		if path != "" {
			return "", fmt.Errorf("%w (configured path %q)", ErrFFmpegNotFound, path)
		}
		return "", ErrFFmpegNotFound
	}
	return p, nil
}

// Pause stops sending and keeps the position; Resume goes on from there. ErrNotPlaying if
// the stream is not playing.
func (s *Stream) Pause() error { return s.send(command{op: opPause}, ErrNotPlaying) }

// Resume goes on after Pause. ErrNotPaused if the stream is not paused.
func (s *Stream) Resume() error { return s.send(command{op: opResume}, ErrNotPaused) }

// Stop ends the stream; the child is gone when Stop returns. Stopping a stream that is not
// playing does nothing.
func (s *Stream) Stop() error { return s.send(command{op: opStop}, nil) }

// Seek moves to pos in the source: at once when playing, from Resume when paused, from the
// next Play otherwise. ErrNotSeekable for live sources.
func (s *Stream) Seek(pos time.Duration) error {
	if pos < 0 {
		return fmt.Errorf("%w: negative seek position %v", ErrInvalidConfig, pos)
	}
	s.mu.Lock()
	if !s.src.Seekable() {
		s.mu.Unlock()
		return ErrNotSeekable
	}
	if s.cmds == nil {
		s.pos = pos
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	return s.send(command{op: opSeek, pos: pos}, nil)
}

// SetSource replaces the source: playing streams switch at once (from the new source's
// start), others use it from the next Play.
func (s *Stream) SetSource(src Source) error {
	if src.IsZero() {
		return ErrNoInputSource
	}
	s.mu.Lock()
	if s.cmds == nil {
		s.src, s.pos = src, 0
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	return s.send(command{op: opSource, src: src}, nil)
}

// send hands c to the owner loop, or answers idle when no loop runs.
func (s *Stream) send(c command, idle error) error {
	s.mu.Lock()
	cmds, done := s.cmds, s.loopDone
	s.mu.Unlock()
	if cmds == nil {
		return idle
	}
	c.reply = make(chan error, 1)
	select {
	case cmds <- c:
		return <-c.reply
	case <-done:
		return idle
	}
}

// loop owns the child and the state while the stream plays or is paused.
func (s *Stream) loop(ctx context.Context, pos time.Duration, ready chan<- error) {
	s.mu.Lock()
	cmds, loopDone := s.cmds, s.loopDone
	s.mu.Unlock()
	defer func() {
		s.events.close() // every OnEvent call has returned before Done is closed
		close(loopDone)
	}()

	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = s.cfg.RestartDelay
	bo.MaxInterval = s.cfg.MaxRestartDelay
	bo.MaxElapsedTime = 0
	bo.Reset()

	var (
		p        *proc
		retry    *time.Timer
		failures int
	)
	start := func() error {
		var err error
		p, err = s.startRun(ctx, pos)
		return err
	}
	stopRun := func() {
		if p != nil {
			p.stop()
			pos = p.position()
			p = nil
		}
		if retry != nil {
			retry.Stop()
			retry = nil
		}
	}
	finish := func(st State, err error) {
		stopRun()
		s.mu.Lock()
		// The next Play starts from the beginning (or where Seek puts it); Progress keeps
		// where this one ended.
		s.state, s.err, s.pos, s.cmds = st, err, 0, nil
		s.mu.Unlock()
		s.emit(Event{Kind: EventState, State: st, Err: err}, true)
	}

	if err := start(); err != nil {
		finish(StateFailed, err)
		ready <- err
		return
	}
	s.setState(StatePlaying, pos)
	ready <- nil

	for {
		var done <-chan error
		if p != nil {
			done = p.done
		}
		var retryC <-chan time.Time
		if retry != nil {
			retryC = retry.C
		}
		select {
		case <-ctx.Done():
			finish(StateStopped, nil)
			return
		case c := <-cmds:
			switch c.op {
			case opStop:
				finish(StateStopped, nil)
				c.reply <- nil
				return
			case opPause:
				if s.State() != StatePlaying {
					c.reply <- ErrNotPlaying
					continue
				}
				stopRun()
				s.setState(StatePaused, pos)
				c.reply <- nil
			case opResume:
				if s.State() != StatePaused {
					c.reply <- ErrNotPaused
					continue
				}
				err := start()
				if err != nil {
					finish(StateFailed, err)
					c.reply <- err
					return
				}
				s.setState(StatePlaying, pos)
				c.reply <- nil
			case opSeek, opSource:
				running := p != nil || retry != nil
				stopRun()
				pos = c.pos
				if c.op == opSource {
					s.mu.Lock()
					s.src = c.src
					s.mu.Unlock()
					pos = 0
				}
				s.mu.Lock()
				s.pos = pos
				s.mu.Unlock()
				if running {
					if err := start(); err != nil {
						finish(StateFailed, err)
						c.reply <- err
						return
					}
				}
				c.reply <- nil
			}
		case err := <-done:
			progressed := p.progressed.Load()
			pos = p.position()
			p = nil
			if err == nil {
				finish(StateStopped, nil) // the source ended
				return
			}
			if progressed {
				failures = 0
				bo.Reset()
			}
			failures++
			if s.cfg.MaxRestarts < 0 || failures > s.cfg.MaxRestarts {
				finish(StateFailed, fmt.Errorf("broadcast: gave up after %d restarts: %w", failures-1, err))
				return
			}
			d := bo.NextBackOff()
			s.cfg.Logger.Warn("broadcast: ffmpeg died; restarting", "attempt", failures, "delay", d, "position", pos, "err", err)
			s.emit(Event{Kind: EventRestart, State: StatePlaying, Attempt: failures, Delay: d, Err: err}, true)
			retry = time.NewTimer(d)
		case <-retryC:
			retry = nil
			if err := start(); err != nil {
				finish(StateFailed, err)
				return
			}
		}
	}
}

func (s *Stream) setState(st State, pos time.Duration) {
	s.mu.Lock()
	changed := s.state != st
	s.state, s.pos = st, pos
	s.mu.Unlock()
	if changed {
		s.cfg.Logger.Info("broadcast: state", "state", st.String(), "position", pos)
		s.emit(Event{Kind: EventState, State: st}, true)
	}
}

// startRun starts one child at pos with the current endpoint and source.
func (s *Stream) startRun(ctx context.Context, pos time.Duration) (*proc, error) {
	s.mu.Lock()
	dst, key, src := target(s.url, s.key), s.key, s.src
	s.mu.Unlock()
	redact := func(line string) string {
		if key == "" {
			return line
		}
		return strings.ReplaceAll(line, key, "[key]")
	}
	sink := procSink{
		redact: redact,
		log:    func(line string) { s.cfg.Logger.Debug("ffmpeg", "line", line) },
		progress: func(p Progress) {
			s.mu.Lock()
			s.last = p
			s.mu.Unlock()
			s.emit(Event{Kind: EventProgress, State: StatePlaying, Progress: p}, false)
		},
	}
	return s.runner.start(ctx, s.cfg.args(src, pos, dst), src.reader, pos, sink)
}

// emit queues e for OnEvent; progress reports (must=false) are dropped while it lags.
func (s *Stream) emit(e Event, must bool) { s.events.push(e, must) }
