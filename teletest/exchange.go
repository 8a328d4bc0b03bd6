package teletest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// errExchangeOrder reports an unencrypted message that is not the next key-exchange step.
var errExchangeOrder = errors.New("teletest: key exchange message out of order")

// keyExchange drives the server steps of package exchange from the unencrypted packets of one
// connection. A connection may run any number of exchanges (a permanent key, then a temporary
// one) interleaved with encrypted traffic, so the steps are routed by IsPlain here rather than
// by exchange.RunServer, which owns the connection for the whole exchange.
type keyExchange struct {
	cfg  exchange.ServerConfig
	last int64 // last server msg_id of an unencrypted message

	awaitDH     *exchange.ServerAwaitDHParams
	awaitClient *exchange.ServerAwaitClientDH
}

// step handles one unencrypted packet from the client. It returns the unencrypted packet to
// send back and, when the exchange completed, its result.
func (x *keyExchange) step(now time.Time, packet []byte) (reply []byte, res *exchange.Result, err error) {
	_, body, err := exchange.ParsePlain(packet, crypto.Client)
	if err != nil {
		return nil, nil, err
	}
	if len(body) < 4 {
		return nil, nil, fmt.Errorf("%w: empty body", exchange.ErrFraming)
	}
	var answer []byte
	switch binary.LittleEndian.Uint32(body) {
	case mt.ReqPqMultiRequestTypeID, mt.ReqPqRequestTypeID:
		start, err := exchange.NewServer(x.cfg)
		if err != nil {
			return nil, nil, err
		}
		x.awaitClient = nil
		if answer, x.awaitDH, err = start.OnReqPQ(body); err != nil {
			return nil, nil, err
		}
	case mt.ReqDHParamsRequestTypeID:
		if x.awaitDH == nil {
			return nil, nil, fmt.Errorf("%w: req_DH_params before req_pq", errExchangeOrder)
		}
		await := x.awaitDH
		x.awaitDH = nil
		if answer, x.awaitClient, err = await.OnReqDHParams(body); err != nil {
			return nil, nil, err
		}
	case mt.SetClientDHParamsRequestTypeID:
		if x.awaitClient == nil {
			return nil, nil, fmt.Errorf("%w: set_client_DH_params before req_DH_params", errExchangeOrder)
		}
		out, err := x.awaitClient.OnSetClientDHParams(body)
		if err != nil {
			x.awaitClient = nil
			return nil, nil, err
		}
		answer, x.awaitClient = out.Send, out.Next
		if out.Done() {
			r := out.Result
			res = &r
		}
	default:
		return nil, nil, fmt.Errorf("%w: unencrypted %#08x", errExchangeOrder, binary.LittleEndian.Uint32(body))
	}
	return exchange.AppendPlain(nil, x.nextID(now), answer), res, nil
}

// nextID returns a strictly increasing server msg_id (1 modulo 4: an answer) for now.
func (x *keyExchange) nextID(now time.Time) int64 {
	id := now.Unix()<<32 | int64(uint64(now.Nanosecond())<<32/1e9)
	id &^= 3
	if id <= x.last&^3 {
		id = x.last&^3 + 4
	}
	id |= 1
	x.last = id
	return id
}
