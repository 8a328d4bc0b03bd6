package broadcast

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"time"
)

// proc is one ffmpeg child. Its stderr goroutine parses progress; done receives the child's
// end once, after stderr is drained.
type proc struct {
	cancel     context.CancelFunc
	done       chan error
	base       time.Duration // the seek position this run started at
	sent       atomic.Int64  // media time sent, in nanoseconds
	progressed atomic.Bool   // a progress block with media time arrived
	stopping   atomic.Bool   // the stream asked this child to end
}

// position is how far into the source this run got.
func (p *proc) position() time.Duration { return p.base + time.Duration(p.sent.Load()) }

// stop ends the child (SIGINT, SIGKILL after the timeout) and waits for it.
func (p *proc) stop() {
	p.stopping.Store(true)
	p.cancel()
	<-p.done
}

// runner starts children; a seam so that the state machine is tested without ffmpeg.
type runner interface {
	start(ctx context.Context, args []string, stdin io.Reader, base time.Duration, sink procSink) (*proc, error)
}

// procSink receives what a child reports.
type procSink struct {
	progress func(Progress)
	log      func(line string)
	redact   func(line string) string // hides the stream key before a line is kept or logged
}

// execRunner runs a real ffmpeg.
type execRunner struct {
	path        string
	stopTimeout time.Duration
}

func (r execRunner) start(ctx context.Context, args []string, stdin io.Reader, base time.Duration, sink procSink) (*proc, error) {
	pctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(pctx, r.path, args...)
	cmd.Stdin = stdin
	cmd.SysProcAttr = childAttr()
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = r.stopTimeout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		cancel()
		return nil, fmt.Errorf("broadcast: ffmpeg stderr: %w", err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("broadcast: start ffmpeg: %w", err)
	}
	p := &proc{cancel: cancel, done: make(chan error, 1), base: base}
	go func() {
		var t tail
		readProgress(stderr, p, sink, &t)
		err := cmd.Wait()
		cancel()
		switch {
		case p.stopping.Load():
			err = nil // asked to end: how it ended does not matter
		case err != nil:
			err = fmt.Errorf("broadcast: ffmpeg exited: %w (%s)", err, t.String())
		}
		p.done <- err
	}()
	return p, nil
}

// readProgress parses a child's stderr until it closes.
func readProgress(r io.Reader, p *proc, sink procSink, t *tail) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, maxLine), 2*maxLine)
	sc.Split(splitLines)
	var pp progressParser
	for sc.Scan() {
		line := sc.Bytes()
		rep, done, isProgress := pp.Line(line)
		if !isProgress {
			s := sink.redact(strings.TrimSpace(string(line)))
			if s != "" {
				t.add(s)
				sink.log(s)
			}
			continue
		}
		if !done {
			continue
		}
		if rep.Sent > 0 {
			p.sent.Store(int64(rep.Sent))
			p.progressed.Store(true)
		}
		rep.Position = p.base + rep.Sent
		sink.progress(rep)
	}
	if err := sc.Err(); err != nil && !errors.Is(err, os.ErrClosed) {
		t.add("stderr: " + err.Error())
	}
	_, _ = io.Copy(io.Discard, r)
}
