package exchange

import (
	"crypto/sha1"
	"errors"
	"math/big"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// flow runs both sides' steps directly (no I/O, deterministic randomness) so a test can stop
// at any message, tamper with it and hand it to the other side.
type flow struct {
	cli *ClientStart
	srv *ServerStart
}

func newFlow(tb testing.TB, seed uint64) *flow {
	tb.Helper()
	cc, sc := testConfigs(tb, seed)
	cli, err := NewClient(cc)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := NewServer(sc)
	if err != nil {
		tb.Fatal(err)
	}
	return &flow{cli: cli, srv: srv}
}

func must[A, B any](tb testing.TB) func(a A, b B, err error) (A, B) {
	return func(a A, b B, err error) (A, B) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return a, b
	}
}

// resPQ returns the client waiting for resPQ, the server's resPQ and the server's next state.
func (f *flow) resPQ(tb testing.TB) (*ClientAwaitResPQ, []byte, *ServerAwaitDHParams) {
	tb.Helper()
	req, cli := must[[]byte, *ClientAwaitResPQ](tb)(f.cli.ReqPQ())
	resp, srv := must[[]byte, *ServerAwaitDHParams](tb)(f.srv.OnReqPQ(req))
	return cli, resp, srv
}

// dhParams goes on to the client waiting for server_DH_params, the server's answer, the
// client's req_DH_params and the server's next state.
func (f *flow) dhParams(tb testing.TB) (*ClientAwaitDHParams, []byte, []byte, *ServerAwaitClientDH) {
	tb.Helper()
	cli0, resPQ, srv0 := f.resPQ(tb)
	req, cli := must[[]byte, *ClientAwaitDHParams](tb)(cli0.OnResPQ(resPQ))
	resp, srv := must[[]byte, *ServerAwaitClientDH](tb)(srv0.OnReqDHParams(req))
	return cli, resp, req, srv
}

// dhGen goes on to the client waiting for the dh_gen answer, the server's dh_gen_ok, the
// client's set_client_DH_params and the server state that answered it.
func (f *flow) dhGen(tb testing.TB) (*ClientAwaitDHGen, []byte, []byte, *ServerAwaitClientDH) {
	tb.Helper()
	cli0, answer, _, srv := f.dhParams(tb)
	req, cli := must[[]byte, *ClientAwaitDHGen](tb)(cli0.OnServerDHParams(answer))
	out, err := srv.OnSetClientDHParams(req)
	if err != nil || !out.Done() {
		tb.Fatalf("set_client_DH_params: %v, done %v", err, out.Done())
	}
	return cli, out.Send, req, srv
}

// retl decodes body as T, applies mod and encodes it again.
func retl[T any, P interface {
	*T
	tl.Object
}](tb testing.TB, body []byte, mod func(P)) []byte {
	tb.Helper()
	v := P(new(T))
	if err := decodeExact(body, v); err != nil {
		tb.Fatal(err)
	}
	mod(v)
	return encodeOrFatal(tb, v)
}

// reseal rebuilds an encrypted inner message under the exchange's tmp key: it decrypts enc,
// decodes it as T, applies mod and seals it again with extra zero padding bytes on top of the
// needed ones.
func reseal[T any, P interface {
	*T
	tl.Object
}](tb testing.TB, enc string, newNonce tl.Int256, serverNonce tl.Int128, extra int, mod func(P)) string {
	tb.Helper()
	v := P(new(T))
	if err := openInner([]byte(enc), newNonce, serverNonce, v); err != nil {
		tb.Fatal(err)
	}
	mod(v)
	data := encodeOrFatal(tb, v)
	out, err := sealInner(append(data, make([]byte, extra)...), newNonce, serverNonce, make([]byte, 16))
	if err != nil {
		tb.Fatal(err)
	}
	if extra > 0 { // the hash must cover only the object, as a server with long padding would send
		sum := sha1.Sum(data)
		plain := make([]byte, len(out))
		key, iv := crypto.TmpAESKeyIV(newNonce, serverNonce)
		if err := crypto.IGEDecrypt(plain, out, key[:], iv[:]); err != nil {
			tb.Fatal(err)
		}
		copy(plain, sum[:])
		if err := crypto.IGEEncrypt(out, plain, key[:], iv[:]); err != nil {
			tb.Fatal(err)
		}
	}
	return string(out)
}

func flip128(v tl.Int128) tl.Int128 { v[7] ^= 0x40; return v }

func TestClientChecksResPQ(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*mt.ResPQ)
		want error
	}{
		{"nonce", func(r *mt.ResPQ) { r.Nonce = flip128(r.Nonce) }, ErrNonce},
		{"unknown fingerprints", func(r *mt.ResPQ) { r.ServerPublicKeyFingerprints = []int64{1, 2} }, ErrNoKnownKey},
		{"no fingerprints", func(r *mt.ResPQ) { r.ServerPublicKeyFingerprints = nil }, ErrNoKnownKey},
		{"pq prime", func(r *mt.ResPQ) { r.Pq = minimalBE(2147483647) }, ErrPQ},
		{"pq square", func(r *mt.ResPQ) { r.Pq = minimalBE(1073741827 * 1073741827) }, ErrPQ},
		{"pq of three primes", func(r *mt.ResPQ) { r.Pq = minimalBE(3 * 1000003 * 1073741827) }, ErrPQ},
		{"pq of two composites", func(r *mt.ResPQ) { r.Pq = minimalBE((1000003 * 1009) * (1000033 * 1013)) }, ErrPQ},
		{"pq empty", func(r *mt.ResPQ) { r.Pq = "" }, ErrPQ},
		{"pq nine bytes", func(r *mt.ResPQ) { r.Pq = "\x01" + r.Pq + "\x00" }, ErrPQ},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli, resPQ, _ := newFlow(t, 1).resPQ(t)
			req, next, err := cli.OnResPQ(retl(t, resPQ, tc.mod))
			checkRejected(t, err, tc.want, req, next)
		})
	}
	t.Run("wrong message", func(t *testing.T) {
		cli, _, _ := newFlow(t, 1).resPQ(t)
		req, next, err := cli.OnResPQ(encodeOrFatal(t, &mt.ReqPqMultiRequest{}))
		checkRejected(t, err, ErrUnexpectedMessage, req, next)
	})
	t.Run("trailing bytes", func(t *testing.T) {
		cli, resPQ, _ := newFlow(t, 1).resPQ(t)
		req, next, err := cli.OnResPQ(append(resPQ, 0, 0, 0, 0))
		checkRejected(t, err, ErrUnexpectedMessage, req, next)
	})
}

func TestClientChecksServerDHParams(t *testing.T) {
	p := crypto.KnownDHPrime
	bigExp := func(e uint) string { return string(new(big.Int).Lsh(big.NewInt(1), e).Bytes()) }
	inner := func(extra int, mod func(*mt.ServerDHInnerData)) func(*ClientAwaitDHParams, *mt.ServerDHParamsOk) {
		return func(c *ClientAwaitDHParams, ok *mt.ServerDHParamsOk) {
			ok.EncryptedAnswer = reseal(t, ok.EncryptedAnswer, c.newNonce, c.serverNonce, extra, mod)
		}
	}
	for _, tc := range []struct {
		name string
		mod  func(*ClientAwaitDHParams, *mt.ServerDHParamsOk)
		want error
	}{
		{"nonce", func(_ *ClientAwaitDHParams, ok *mt.ServerDHParamsOk) { ok.Nonce = flip128(ok.Nonce) }, ErrNonce},
		{"server nonce", func(_ *ClientAwaitDHParams, ok *mt.ServerDHParamsOk) { ok.ServerNonce = flip128(ok.ServerNonce) }, ErrServerNonce},
		{"answer not in blocks", func(_ *ClientAwaitDHParams, ok *mt.ServerDHParamsOk) { ok.EncryptedAnswer = ok.EncryptedAnswer[1:] }, ErrEncryptedLength},
		{"answer empty", func(_ *ClientAwaitDHParams, ok *mt.ServerDHParamsOk) { ok.EncryptedAnswer = "" }, ErrEncryptedLength},
		{"answer corrupted", func(_ *ClientAwaitDHParams, ok *mt.ServerDHParamsOk) {
			b := []byte(ok.EncryptedAnswer)
			b[len(b)-40] ^= 1
			ok.EncryptedAnswer = string(b)
		}, ErrAnswerHash},
		{"answer padding 16 bytes", inner(16, func(*mt.ServerDHInnerData) {}), ErrAnswerHash},
		{"inner nonce", inner(0, func(d *mt.ServerDHInnerData) { d.Nonce = flip128(d.Nonce) }), ErrNonce},
		{"inner server nonce", inner(0, func(d *mt.ServerDHInnerData) { d.ServerNonce = flip128(d.ServerNonce) }), ErrServerNonce},
		{"dh_prime composite", inner(0, func(d *mt.ServerDHInnerData) { d.DHPrime = string(new(big.Int).Sub(p, big.NewInt(2)).Bytes()) }), ErrDHPrime},
		{"dh_prime 1024 bits", inner(0, func(d *mt.ServerDHInnerData) { d.DHPrime = d.DHPrime[:128] }), ErrDHPrime},
		{"g not a generator of the subgroup", inner(0, func(d *mt.ServerDHInnerData) { d.G = 2 }), ErrDHGroup},
		{"g 1", inner(0, func(d *mt.ServerDHInnerData) { d.G = 1 }), ErrDHGroup},
		{"g 8", inner(0, func(d *mt.ServerDHInnerData) { d.G = 8 }), ErrDHGroup},
		{"g_a 1", inner(0, func(d *mt.ServerDHInnerData) { d.GA = "\x01" }), ErrGA},
		{"g_a p-1", inner(0, func(d *mt.ServerDHInnerData) { d.GA = string(new(big.Int).Sub(p, big.NewInt(1)).Bytes()) }), ErrGA},
		{"g_a small", inner(0, func(d *mt.ServerDHInnerData) { d.GA = bigExp(1900) }), ErrGA},
		{"g_a near p", inner(0, func(d *mt.ServerDHInnerData) {
			d.GA = string(new(big.Int).Sub(p, new(big.Int).Lsh(big.NewInt(1), 1900)).Bytes())
		}), ErrGA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli, answer, _, _ := newFlow(t, 2).dhParams(t)
			answer = retl(t, answer, func(ok *mt.ServerDHParamsOk) { tc.mod(cli, ok) })
			req, next, err := cli.OnServerDHParams(answer)
			checkRejected(t, err, tc.want, req, next)
		})
	}
	fail := func(mod func(c *ClientAwaitDHParams, f *mt.ServerDHParamsFail)) func(*ClientAwaitDHParams) []byte {
		return func(c *ClientAwaitDHParams) []byte {
			f := &mt.ServerDHParamsFail{Nonce: c.nonce, ServerNonce: c.serverNonce, NewNonceHash: nonceHash(c.newNonce)}
			mod(c, f)
			return encodeOrFatal(t, f)
		}
	}
	for _, tc := range []struct {
		name   string
		answer func(*ClientAwaitDHParams) []byte
		want   error
	}{
		{"server_DH_params_fail", fail(func(*ClientAwaitDHParams, *mt.ServerDHParamsFail) {}), ErrDHParamsFail},
		{"server_DH_params_fail bad hash", fail(func(_ *ClientAwaitDHParams, f *mt.ServerDHParamsFail) { f.NewNonceHash = flip128(f.NewNonceHash) }), ErrNewNonceHash},
		{"server_DH_params_fail nonce", fail(func(_ *ClientAwaitDHParams, f *mt.ServerDHParamsFail) { f.Nonce = flip128(f.Nonce) }), ErrNonce},
		{"server_DH_params_fail truncated", func(c *ClientAwaitDHParams) []byte {
			return fail(func(*ClientAwaitDHParams, *mt.ServerDHParamsFail) {})(c)[:20]
		}, ErrUnexpectedMessage},
		{"wrong message", func(*ClientAwaitDHParams) []byte { return encodeOrFatal(t, &mt.DHGenOk{}) }, ErrUnexpectedMessage},
		{"empty", func(*ClientAwaitDHParams) []byte { return nil }, ErrUnexpectedMessage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli, _, _, _ := newFlow(t, 2).dhParams(t)
			req, next, err := cli.OnServerDHParams(tc.answer(cli))
			checkRejected(t, err, tc.want, req, next)
		})
	}
}

func TestClientChecksDHGen(t *testing.T) {
	okWith := func(mod func(*mt.DHGenOk)) func(*ClientAwaitDHGen, []byte) []byte {
		return func(_ *ClientAwaitDHGen, ok []byte) []byte { return retl(t, ok, mod) }
	}
	hash := func(c *ClientAwaitDHGen, n byte) tl.Int128 { return crypto.NewNonceHash(c.newNonce, n, &c.key) }
	for _, tc := range []struct {
		name   string
		answer func(c *ClientAwaitDHGen, ok []byte) []byte
		want   error
	}{
		{"dh_gen_ok nonce", okWith(func(v *mt.DHGenOk) { v.Nonce = flip128(v.Nonce) }), ErrNonce},
		{"dh_gen_ok server nonce", okWith(func(v *mt.DHGenOk) { v.ServerNonce = flip128(v.ServerNonce) }), ErrServerNonce},
		{"dh_gen_ok new_nonce_hash1", okWith(func(v *mt.DHGenOk) { v.NewNonceHash1 = flip128(v.NewNonceHash1) }), ErrNewNonceHash},
		{"dh_gen_ok carrying hash 2", func(c *ClientAwaitDHGen, ok []byte) []byte {
			return retl(t, ok, func(v *mt.DHGenOk) { v.NewNonceHash1 = hash(c, 2) })
		}, ErrNewNonceHash},
		{"dh_gen_retry new_nonce_hash2", func(c *ClientAwaitDHGen, _ []byte) []byte {
			return encodeOrFatal(t, &mt.DHGenRetry{Nonce: c.nonce, ServerNonce: c.serverNonce, NewNonceHash2: hash(c, 1)})
		}, ErrNewNonceHash},
		{"dh_gen_retry nonce", func(c *ClientAwaitDHGen, _ []byte) []byte {
			return encodeOrFatal(t, &mt.DHGenRetry{Nonce: flip128(c.nonce), ServerNonce: c.serverNonce, NewNonceHash2: hash(c, 2)})
		}, ErrNonce},
		{"dh_gen_fail", func(c *ClientAwaitDHGen, _ []byte) []byte {
			return encodeOrFatal(t, &mt.DHGenFail{Nonce: c.nonce, ServerNonce: c.serverNonce, NewNonceHash3: hash(c, 3)})
		}, ErrDHGenFail},
		{"dh_gen_fail new_nonce_hash3", func(c *ClientAwaitDHGen, _ []byte) []byte {
			return encodeOrFatal(t, &mt.DHGenFail{Nonce: c.nonce, ServerNonce: c.serverNonce, NewNonceHash3: hash(c, 1)})
		}, ErrNewNonceHash},
		{"dh_gen_fail server nonce", func(c *ClientAwaitDHGen, _ []byte) []byte {
			return encodeOrFatal(t, &mt.DHGenFail{Nonce: c.nonce, ServerNonce: flip128(c.serverNonce), NewNonceHash3: hash(c, 3)})
		}, ErrServerNonce},
		{"wrong message", func(*ClientAwaitDHGen, []byte) []byte { return encodeOrFatal(t, &mt.ResPQ{}) }, ErrUnexpectedMessage},
		{"truncated", func(_ *ClientAwaitDHGen, ok []byte) []byte { return ok[:len(ok)-1] }, ErrUnexpectedMessage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli, ok, _, _ := newFlow(t, 3).dhGen(t)
			out, err := cli.OnDHGen(tc.answer(cli, ok))
			checkRejected(t, err, tc.want, out.Send, out.Next)
			if !out.Result.AuthKey.IsZero() {
				t.Error("a key came back with the error")
			}
		})
	}
	t.Run("retry limit", func(t *testing.T) {
		cli, _, _, _ := newFlow(t, 3).dhGen(t)
		cli.cfg.MaxRetries = 2
		for i := 0; ; i++ {
			retry := encodeOrFatal(t, &mt.DHGenRetry{Nonce: cli.nonce, ServerNonce: cli.serverNonce, NewNonceHash2: hash(cli, 2)})
			out, err := cli.OnDHGen(retry)
			if i == 2 {
				checkRejected(t, err, ErrRetryLimit, out.Send, out.Next)
				return
			}
			if err != nil || out.Done() || out.Send == nil {
				t.Fatalf("retry %d: %v, done %v", i, err, out.Done())
			}
			cli = out.Next
		}
	})
}

func TestServerChecks(t *testing.T) {
	key, _ := testKeys(t)
	pub, _ := crypto.NewPublicKey(&key.PublicKey)
	// rsaInner re-encrypts req_DH_params's p_q_inner_data after mod.
	rsaInner := func(s *ServerAwaitDHParams, mod func(*mt.PQInnerDataDC)) func(*mt.ReqDHParamsRequest) {
		return func(r *mt.ReqDHParamsRequest) {
			data, err := crypto.RSAPadDecrypt(key, []byte(r.EncryptedData))
			if err != nil {
				t.Fatal(err)
			}
			var b tl.Buffer
			b.ResetTo(data)
			var v mt.PQInnerDataDC
			if err := v.Decode(&b); err != nil {
				t.Fatal(err)
			}
			mod(&v)
			enc, err := crypto.RSAPad(crypto.NewDeterministicReader(9), pub.PublicKey, encodeOrFatal(t, &v))
			if err != nil {
				t.Fatal(err)
			}
			r.EncryptedData = string(enc)
		}
	}
	for _, tc := range []struct {
		name string
		mod  func(*ServerAwaitDHParams) func(*mt.ReqDHParamsRequest)
		want error
	}{
		{"nonce", func(*ServerAwaitDHParams) func(*mt.ReqDHParamsRequest) {
			return func(r *mt.ReqDHParamsRequest) { r.Nonce = flip128(r.Nonce) }
		}, ErrNonce},
		{"server nonce", func(*ServerAwaitDHParams) func(*mt.ReqDHParamsRequest) {
			return func(r *mt.ReqDHParamsRequest) { r.ServerNonce = flip128(r.ServerNonce) }
		}, ErrServerNonce},
		{"p and q swapped", func(*ServerAwaitDHParams) func(*mt.ReqDHParamsRequest) {
			return func(r *mt.ReqDHParamsRequest) { r.P, r.Q = r.Q, r.P }
		}, ErrPQ},
		{"fingerprint", func(*ServerAwaitDHParams) func(*mt.ReqDHParamsRequest) {
			return func(r *mt.ReqDHParamsRequest) { r.PublicKeyFingerprint++ }
		}, ErrKeyFingerprint},
		{"encrypted data corrupted", func(*ServerAwaitDHParams) func(*mt.ReqDHParamsRequest) {
			return func(r *mt.ReqDHParamsRequest) { b := []byte(r.EncryptedData); b[100] ^= 1; r.EncryptedData = string(b) }
		}, ErrInnerData},
		{"inner nonce", func(s *ServerAwaitDHParams) func(*mt.ReqDHParamsRequest) {
			return rsaInner(s, func(v *mt.PQInnerDataDC) { v.Nonce = flip128(v.Nonce) })
		}, ErrNonce},
		{"inner server nonce", func(s *ServerAwaitDHParams) func(*mt.ReqDHParamsRequest) {
			return rsaInner(s, func(v *mt.PQInnerDataDC) { v.ServerNonce = flip128(v.ServerNonce) })
		}, ErrServerNonce},
		{"inner pq", func(s *ServerAwaitDHParams) func(*mt.ReqDHParamsRequest) {
			return rsaInner(s, func(v *mt.PQInnerDataDC) { v.Pq = minimalBE(15) })
		}, ErrInnerData},
	} {
		t.Run("req_DH_params "+tc.name, func(t *testing.T) {
			f := newFlow(t, 4)
			cli, resPQ, srv := f.resPQ(t)
			req, _ := must[[]byte, *ClientAwaitDHParams](t)(cli.OnResPQ(resPQ))
			resp, next, err := srv.OnReqDHParams(retl(t, req, tc.mod(srv)))
			checkRejected(t, err, tc.want, resp, next)
		})
	}
	t.Run("req_DH_params temp with negative expires_in", func(t *testing.T) {
		f := newFlow(t, 4)
		cli, resPQ, srv := f.resPQ(t)
		req, _ := must[[]byte, *ClientAwaitDHParams](t)(cli.OnResPQ(resPQ))
		req = retl(t, req, func(r *mt.ReqDHParamsRequest) {
			data, _ := crypto.RSAPadDecrypt(key, []byte(r.EncryptedData))
			var b tl.Buffer
			b.ResetTo(data)
			var v mt.PQInnerDataDC
			if err := v.Decode(&b); err != nil {
				t.Fatal(err)
			}
			tmp := &mt.PQInnerDataTempDC{Pq: v.Pq, P: v.P, Q: v.Q, Nonce: v.Nonce, ServerNonce: v.ServerNonce, NewNonce: v.NewNonce, DC: v.DC, ExpiresIn: -5}
			enc, _ := crypto.RSAPad(crypto.NewDeterministicReader(9), pub.PublicKey, encodeOrFatal(t, tmp))
			r.EncryptedData = string(enc)
		})
		resp, next, err := srv.OnReqDHParams(req)
		checkRejected(t, err, ErrInnerData, resp, next)
	})
	t.Run("req_pq garbage", func(t *testing.T) {
		resp, next, err := newFlow(t, 4).srv.OnReqPQ([]byte{1, 2, 3, 4, 5, 6, 7, 8})
		checkRejected(t, err, ErrUnexpectedMessage, resp, next)
	})

	clientInner := func(extra int, mod func(*mt.ClientDHInnerData)) func(*ServerAwaitClientDH, *mt.SetClientDHParamsRequest) {
		return func(s *ServerAwaitClientDH, r *mt.SetClientDHParamsRequest) {
			r.EncryptedData = reseal(t, r.EncryptedData, s.newNonce, s.serverNonce, extra, mod)
		}
	}
	for _, tc := range []struct {
		name string
		mod  func(*ServerAwaitClientDH, *mt.SetClientDHParamsRequest)
		want error
	}{
		{"nonce", func(_ *ServerAwaitClientDH, r *mt.SetClientDHParamsRequest) { r.Nonce = flip128(r.Nonce) }, ErrNonce},
		{"server nonce", func(_ *ServerAwaitClientDH, r *mt.SetClientDHParamsRequest) { r.ServerNonce = flip128(r.ServerNonce) }, ErrServerNonce},
		{"corrupted", func(_ *ServerAwaitClientDH, r *mt.SetClientDHParamsRequest) {
			b := []byte(r.EncryptedData)
			b[30] ^= 1
			r.EncryptedData = string(b)
		}, ErrAnswerHash},
		{"not in blocks", func(_ *ServerAwaitClientDH, r *mt.SetClientDHParamsRequest) { r.EncryptedData += "x" }, ErrEncryptedLength},
		{"padding 16 bytes", clientInner(16, func(*mt.ClientDHInnerData) {}), ErrAnswerHash},
		{"inner nonce", clientInner(0, func(v *mt.ClientDHInnerData) { v.Nonce = flip128(v.Nonce) }), ErrNonce},
		{"retry_id", clientInner(0, func(v *mt.ClientDHInnerData) { v.RetryID = 5 }), ErrRetryID},
		{"g_b 1", clientInner(0, func(v *mt.ClientDHInnerData) { v.GB = "\x01" }), ErrGB},
		{"g_b p-1", clientInner(0, func(v *mt.ClientDHInnerData) {
			v.GB = string(new(big.Int).Sub(crypto.KnownDHPrime, big.NewInt(1)).Bytes())
		}), ErrGB},
	} {
		t.Run("set_client_DH_params "+tc.name, func(t *testing.T) {
			cli, answer, _, srv := newFlow(t, 5).dhParams(t)
			req, _ := must[[]byte, *ClientAwaitDHGen](t)(cli.OnServerDHParams(answer))
			out, err := srv.OnSetClientDHParams(retl(t, req, func(r *mt.SetClientDHParamsRequest) { tc.mod(srv, r) }))
			checkRejected(t, err, tc.want, out.Send, out.Next)
			if !out.Result.AuthKey.IsZero() {
				t.Error("a key came back with the error")
			}
		})
	}
}

// checkRejected asserts that a step failed with want and handed back nothing to send and no
// next state.
func checkRejected[S any](tb testing.TB, err, want error, send []byte, next *S) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("error = %v, want %v", err, want)
	}
	if send != nil || next != nil {
		tb.Errorf("rejected step returned a message (%d bytes) or a next state (%v)", len(send), next != nil)
	}
}
