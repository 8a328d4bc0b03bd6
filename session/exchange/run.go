package exchange

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// Conn is the packet connection the drivers run over (declared here, its consumer);
// transport.Conn satisfies it. ReadPacket's result needs to stay valid only until the next call.
type Conn interface {
	ReadPacket() ([]byte, error)
	WritePacket(p []byte) error
	Close() error
}

// RunClient performs a client key exchange over conn: the steps of ClientStart in order, each
// message framed as an unencrypted message. conn stays open for the encrypted session that
// follows. If ctx ends first, conn is closed (a half-done exchange leaves it unusable) and the
// context's error is returned.
func RunClient(ctx context.Context, conn Conn, cfg ClientConfig) (Result, error) {
	start, err := NewClient(cfg)
	if err != nil {
		return Result{}, err
	}
	cfg = start.cfg
	d := newDriver(ctx, conn, crypto.Client, cfg.Now, cfg.Logger)
	defer d.stop()

	req, awaitPQ, err := start.ReqPQ()
	if err != nil {
		return Result{}, err
	}
	answer, err := d.roundTrip(req)
	if err != nil {
		return Result{}, d.fail(err)
	}
	req, awaitDH, err := awaitPQ.OnResPQ(answer)
	if err != nil {
		return Result{}, err
	}
	if answer, err = d.roundTrip(req); err != nil {
		return Result{}, d.fail(err)
	}
	req, awaitGen, err := awaitDH.OnServerDHParams(answer)
	if err != nil {
		return Result{}, err
	}
	for {
		if answer, err = d.roundTrip(req); err != nil {
			return Result{}, d.fail(err)
		}
		out, err := awaitGen.OnDHGen(answer)
		if err != nil {
			return Result{}, err
		}
		if out.Done() {
			d.done(out.Result)
			return out.Result, nil
		}
		req, awaitGen = out.Send, out.Next
	}
}

// RunServer performs the server side of a key exchange over conn, starting with the client's
// req_pq_multi. Like RunClient it closes conn if ctx ends first.
func RunServer(ctx context.Context, conn Conn, cfg ServerConfig) (Result, error) {
	start, err := NewServer(cfg)
	if err != nil {
		return Result{}, err
	}
	d := newDriver(ctx, conn, crypto.Server, start.cfg.Now, start.cfg.Logger)
	defer d.stop()

	req, err := d.read()
	if err != nil {
		return Result{}, d.fail(err)
	}
	resp, awaitDH, err := start.OnReqPQ(req)
	if err != nil {
		return Result{}, err
	}
	if req, err = d.roundTrip(resp); err != nil {
		return Result{}, d.fail(err)
	}
	resp, awaitClient, err := awaitDH.OnReqDHParams(req)
	if err != nil {
		return Result{}, err
	}
	for {
		if req, err = d.roundTrip(resp); err != nil {
			return Result{}, d.fail(err)
		}
		out, err := awaitClient.OnSetClientDHParams(req)
		if err != nil {
			return Result{}, err
		}
		if out.Done() {
			if err := d.write(out.Send); err != nil {
				return Result{}, d.fail(err)
			}
			d.done(out.Result)
			return out.Result, nil
		}
		resp, awaitClient = out.Send, out.Next
	}
}

// driver moves framed messages between the steps and a Conn.
type driver struct {
	ctx  context.Context
	conn Conn
	peer crypto.Side
	ids  msgIDs
	now  func() time.Time
	log  *slog.Logger
	stop func() bool
}

func newDriver(ctx context.Context, conn Conn, side crypto.Side, now func() time.Time, log *slog.Logger) *driver {
	return &driver{
		ctx:  ctx,
		conn: conn,
		peer: side.Other(),
		ids:  msgIDs{side: side},
		now:  now,
		log:  log.With("side", side.String()),
		stop: context.AfterFunc(ctx, func() { conn.Close() }),
	}
}

func (d *driver) done(r Result) {
	d.log.DebugContext(d.ctx, "auth key created", "key_id", KeyID(&r.AuthKey), "dc", r.DC,
		"temp", r.Temp(), "time_offset", r.TimeOffset)
}

// fail prefers the context's error: a read cut short by the close in AfterFunc reports the
// cancellation, not the closed connection.
func (d *driver) fail(err error) error {
	if ctxErr := d.ctx.Err(); ctxErr != nil {
		return fmt.Errorf("exchange: %w", ctxErr)
	}
	return err
}

func (d *driver) write(body []byte) error {
	msgID := d.ids.next(d.now())
	d.trace("send", msgID, body)
	if err := d.conn.WritePacket(AppendPlain(nil, msgID, body)); err != nil {
		return fmt.Errorf("exchange: write: %w", err)
	}
	return nil
}

func (d *driver) read() ([]byte, error) {
	packet, err := d.conn.ReadPacket()
	if err != nil {
		return nil, fmt.Errorf("exchange: read: %w", err)
	}
	msgID, body, err := ParsePlain(packet, d.peer)
	if err != nil {
		return nil, err
	}
	d.trace("receive", msgID, body)
	return body, nil
}

// trace logs one message at debug level.
func (d *driver) trace(dir string, msgID int64, body []byte) {
	if d.log.Enabled(d.ctx, slog.LevelDebug) {
		d.log.DebugContext(d.ctx, "key exchange "+dir, "msg_id", msgID, "bytes", len(body), "type", typeName(body))
	}
}

func (d *driver) roundTrip(body []byte) ([]byte, error) {
	if err := d.write(body); err != nil {
		return nil, err
	}
	return d.read()
}

// typeName names the TL constructor at the start of body for logs.
func typeName(body []byte) string {
	id, err := peekID(body)
	if err != nil {
		return "?"
	}
	if name := mt.TypeName(id); name != "" {
		return name
	}
	return fmt.Sprintf("%#08x", id)
}
