package sessiontest_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// TestServerUsage shows the server in use: a session.Conn dials it, runs the key exchange,
// and a call is answered by the handler.
func TestServerUsage(t *testing.T) {
	srv := sessiontest.NewServer(t)
	srv.Handle(sessiontest.Echo) // the default: answer every request with itself
	conn, err := session.New(session.Options{
		Session:    srv.Session(),
		Dialer:     srv.Dialer(),
		PublicKeys: srv.PublicKeys(),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- conn.Run(ctx) }()

	// ping is answered by the server engine itself with a pong.
	var pong mt.Pong
	if err := conn.Invoke(ctx, &mt.PingRequest{PingID: 7}, &pong); err != nil {
		t.Fatal(err)
	}
	if pong.PingID != 7 {
		t.Errorf("pong.PingID = %d, want 7", pong.PingID)
	}
	// Anything else reaches the handler, here echoed back.
	var got sessiontest.Payload
	if err := conn.Invoke(ctx, &sessiontest.Payload{N: 9, Data: []byte("hi")}, &got); err != nil {
		t.Fatal(err)
	}
	if got.N != 9 || string(got.Data) != "hi" {
		t.Errorf("echo = %+v", got)
	}
	if srv.Requests() != 1 || srv.Connections() != 1 {
		t.Errorf("server saw %d requests on %d connections, want 1 on 1", srv.Requests(), srv.Connections())
	}
	cancel()
	<-done
}

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
