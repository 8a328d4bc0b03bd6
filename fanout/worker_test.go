package fanout

import (
	"testing"

	"github.com/nats-io/nats.go/jetstream"
)

// progressMsg counts the InProgress calls on a delivery.
type progressMsg struct {
	jetstream.Msg
	calls chan struct{}
}

func (m *progressMsg) InProgress() error {
	select {
	case m.calls <- struct{}{}:
	default:
	}
	return nil
}

// TestKeepAliveTimerSet checks the progress reports of a long handler with an AckWait so
// short that the first report is due at once: the timer's callback must find the timer it
// resets (it ran before keepAlive stored it: a nil timer, or a data race under -race).
func TestKeepAliveTimerSet(t *testing.T) {
	for range 50 {
		w := &Worker{cfg: Config{AckWait: 3}} // a report every nanosecond
		m := &progressMsg{calls: make(chan struct{}, 1)}
		stop := w.keepAlive(m)
		<-m.calls
		<-m.calls // the timer was reset after the first report
		stop()
	}
}
