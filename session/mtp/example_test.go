package mtp_test

import (
	"fmt"
	"io"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// One call through two engines, a client's and a server's, with no network in between: the
// client's packet is handed to the server, the server's answer back. A real loop writes the
// packets to a transport.Conn and calls Flush again whenever HasPending says so.
func ExampleEngine() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	rnd := crypto.NewDeterministicReader(1)
	var value [256]byte
	if _, err := io.ReadFull(rnd, value[:]); err != nil {
		panic(err)
	}
	key := crypto.NewAuthKey(value) // from the key exchange in a real session

	client, err := mtp.New(mtp.Config{Side: crypto.Client, AuthKey: key, SessionID: 7, Salt: 99, TimeSynced: true, Rand: rnd})
	if err != nil {
		panic(err)
	}
	server, err := mtp.New(mtp.Config{Side: crypto.Server, AuthKey: key, Salt: 99, TimeSynced: true, Rand: rnd})
	if err != nil {
		panic(err)
	}

	// The client queues help.getNearestDc as call 1 and seals it into a packet.
	var req tl.Buffer
	if err := (&tg.HelpGetNearestDCRequest{}).Encode(&req); err != nil {
		panic(err)
	}
	if err := client.Enqueue(1, req.Buf, mtp.CallOptions{}); err != nil {
		panic(err)
	}
	packet, sent, err := client.Flush(now, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("client sent calls", sent)

	// The server opens the packet and finds the request.
	events, err := server.Receive(now, packet)
	if err != nil {
		panic(err)
	}
	for _, ev := range events {
		fmt.Println("server:", ev.Kind)
		if ev.Kind == mtp.EventRequest {
			var res tl.Buffer
			if err := (&tg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2}).Encode(&res); err != nil {
				panic(err)
			}
			server.Reply(ev.MsgID, res.Buf)
		}
	}
	answer, _, err := server.Flush(now, nil)
	if err != nil {
		panic(err)
	}

	// The client matches the answer to call 1. The server also announced the new session
	// (new_session_created), after which a client fetches the updates it may have missed.
	events, err = client.Receive(now, answer)
	if err != nil {
		panic(err)
	}
	for _, ev := range events {
		fmt.Println("client:", ev.Kind)
		if ev.Kind == mtp.EventResult {
			var b tl.Buffer
			b.ResetTo(ev.Body)
			var dc tg.NearestDC
			if err := dc.Decode(&b); err != nil {
				panic(err)
			}
			fmt.Println("call", ev.Call, "answered: nearest dc", dc.NearestDC, "in", dc.Country)
		}
	}

	// Output:
	// client sent calls [1]
	// server: request
	// client: new_session
	// client: result
	// call 1 answered: nearest dc 2 in NL
}
