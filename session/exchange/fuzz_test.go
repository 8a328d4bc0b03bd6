package exchange

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// The fuzz targets feed arbitrary peer messages to every step of both sides. A step must never
// panic, and when it fails it must hand back nothing to send and no next state. Targets that
// need a state build it once with a deterministic flow; the seed corpus holds the genuine
// message of that flow and a few damaged ones.

func FuzzParsePlain(f *testing.F) {
	s := loadSample(f)
	for _, d := range s.Dumps {
		f.Add(d, true)
		f.Add(d, false)
	}
	f.Add(AppendPlain(nil, 4, []byte{1, 2, 3, 4}), false)
	f.Add(make([]byte, PlainHeaderSize), true)
	f.Fuzz(func(t *testing.T, packet []byte, fromServer bool) {
		from := crypto.Client
		if fromServer {
			from = crypto.Server
		}
		msgID, body, err := ParsePlain(packet, from)
		if err != nil {
			if !errors.Is(err, ErrFraming) {
				t.Fatalf("error %v does not wrap ErrFraming", err)
			}
			return
		}
		if !IsPlain(packet) {
			t.Fatal("accepted packet is not plain")
		}
		if got := AppendPlain(nil, msgID, body); !bytes.Equal(got, packet) {
			t.Fatalf("AppendPlain(ParsePlain(p)) != p")
		}
	})
}

func FuzzClientResPQ(f *testing.F) {
	cli, resPQ, _ := newFlow(f, 21).resPQ(f)
	addSeeds(f, resPQ)
	f.Fuzz(func(t *testing.T, answer []byte) {
		req, next, err := cli.OnResPQ(answer)
		checkFuzzStep(t, err, req, next)
	})
}

func FuzzClientServerDHParams(f *testing.F) {
	cli, answer, _, _ := newFlow(f, 22).dhParams(f)
	addSeeds(f, answer)
	f.Fuzz(func(t *testing.T, answer []byte) {
		req, next, err := cli.OnServerDHParams(answer)
		checkFuzzStep(t, err, req, next)
	})
}

// FuzzClientServerDHInner seals the fuzzer's bytes under the exchange's real tmp key, so the
// checks behind the SHA-1 (decoding, nonces, dh_prime, g, g_a) see arbitrary contents.
func FuzzClientServerDHInner(f *testing.F) {
	cli, answer, _, _ := newFlow(f, 23).dhParams(f)
	var ok mt.ServerDHParamsOk
	if err := decodeExact(answer, &ok); err != nil {
		f.Fatal(err)
	}
	var inner mt.ServerDHInnerData
	if err := openInner([]byte(ok.EncryptedAnswer), cli.newNonce, cli.serverNonce, &inner); err != nil {
		f.Fatal(err)
	}
	addSeeds(f, encodeOrFatal(f, &inner))
	f.Fuzz(func(t *testing.T, data []byte) {
		enc, err := sealInner(data, cli.newNonce, cli.serverNonce, make([]byte, 16))
		if err != nil {
			t.Fatal(err)
		}
		msg := encodeOrFatal(t, &mt.ServerDHParamsOk{Nonce: cli.nonce, ServerNonce: cli.serverNonce, EncryptedAnswer: string(enc)})
		req, next, err := cli.OnServerDHParams(msg)
		checkFuzzStep(t, err, req, next)
	})
}

func FuzzClientDHGen(f *testing.F) {
	cli, ok, _, _ := newFlow(f, 24).dhGen(f)
	addSeeds(f, ok)
	addSeeds(f, encodeOrFatal(f, &mt.DHGenRetry{Nonce: cli.nonce, ServerNonce: cli.serverNonce,
		NewNonceHash2: crypto.NewNonceHash(cli.newNonce, 2, &cli.key)}))
	f.Fuzz(func(t *testing.T, answer []byte) {
		out, err := cli.OnDHGen(answer)
		if err != nil {
			checkFuzzStep(t, err, out.Send, out.Next)
			return
		}
		if out.Done() && out.Result.AuthKey != cli.key {
			t.Fatal("finished with a key other than the one negotiated")
		}
	})
}

func FuzzServerReqPQ(f *testing.F) {
	f.Add(encodeOrFatal(f, &mt.ReqPqMultiRequest{}))
	f.Add(encodeOrFatal(f, &mt.ReqPqRequest{}))
	flow := newFlow(f, 25)
	f.Fuzz(func(t *testing.T, req []byte) {
		resp, next, err := flow.srv.OnReqPQ(req)
		checkFuzzStep(t, err, resp, next)
	})
}

func FuzzServerReqDHParams(f *testing.F) {
	flow := newFlow(f, 26)
	cli, resPQ, srv := flow.resPQ(f)
	req, _, err := cli.OnResPQ(resPQ)
	if err != nil {
		f.Fatal(err)
	}
	addSeeds(f, req)
	f.Fuzz(func(t *testing.T, req []byte) {
		resp, next, err := srv.OnReqDHParams(req)
		checkFuzzStep(t, err, resp, next)
	})
}

func FuzzServerSetClientDHParams(f *testing.F) {
	cli, answer, _, srv := newFlow(f, 27).dhParams(f)
	req, _, err := cli.OnServerDHParams(answer)
	if err != nil {
		f.Fatal(err)
	}
	addSeeds(f, req)
	f.Fuzz(func(t *testing.T, req []byte) {
		out, err := srv.OnSetClientDHParams(req)
		if err != nil {
			checkFuzzStep(t, err, out.Send, out.Next)
		}
	})
}

// FuzzFlow lets the fuzzer pick both sides' randomness and the clock skew: every exchange must
// end with the same key and salt on both sides and the skew as the client's time offset.
func FuzzFlow(f *testing.F) {
	f.Add(uint64(1), uint64(2), int64(0))
	f.Add(uint64(3), uint64(3), int64(-600))
	f.Fuzz(func(t *testing.T, clientSeed, serverSeed uint64, skew int64) {
		skew %= 86400
		cc, sc := testConfigs(t, 0)
		cc.Rand, sc.Rand = crypto.NewDeterministicReader(clientSeed), crypto.NewDeterministicReader(serverSeed)
		sc.Now = func() time.Time { return testNow.Add(time.Duration(skew) * time.Second) }
		client, server, err := runSteps(cc, sc)
		if err != nil {
			t.Fatal(err)
		}
		if client.AuthKey != server.AuthKey || client.ServerSalt != server.ServerSalt {
			t.Fatal("the sides disagree")
		}
		if client.TimeOffset != time.Duration(skew)*time.Second {
			t.Fatalf("time offset %v, skew %ds", client.TimeOffset, skew)
		}
	})
}

// runSteps runs a whole exchange through the steps, without framing or I/O.
func runSteps(cc ClientConfig, sc ServerConfig) (client, server Result, err error) {
	cli, err := NewClient(cc)
	if err != nil {
		return client, server, err
	}
	srv, err := NewServer(sc)
	if err != nil {
		return client, server, err
	}
	req, c1, err := cli.ReqPQ()
	if err != nil {
		return client, server, err
	}
	resp, s1, err := srv.OnReqPQ(req)
	if err != nil {
		return client, server, err
	}
	req, c2, err := c1.OnResPQ(resp)
	if err != nil {
		return client, server, err
	}
	resp, s2, err := s1.OnReqDHParams(req)
	if err != nil {
		return client, server, err
	}
	req, c3, err := c2.OnServerDHParams(resp)
	if err != nil {
		return client, server, err
	}
	for {
		so, err := s2.OnSetClientDHParams(req)
		if err != nil {
			return client, server, err
		}
		co, err := c3.OnDHGen(so.Send)
		if err != nil {
			return client, server, err
		}
		if so.Done() != co.Done() {
			return client, server, errors.New("the sides disagree on the end of the exchange")
		}
		if co.Done() {
			return co.Result, so.Result, nil
		}
		req, c3, s2 = co.Send, co.Next, so.Next
	}
}

func addSeeds(f *testing.F, genuine []byte) {
	f.Add(genuine)
	f.Add(genuine[:len(genuine)/2])
	f.Add(append(append([]byte(nil), genuine...), 0, 0, 0, 0))
	flipped := append([]byte(nil), genuine...)
	flipped[len(flipped)-1] ^= 0x80
	f.Add(flipped)
	f.Add([]byte{})
}

func checkFuzzStep[S any](t *testing.T, err error, send []byte, next *S) {
	t.Helper()
	if err != nil && (send != nil || next != nil) {
		t.Fatalf("failed step (%v) returned a message or a state", err)
	}
}
