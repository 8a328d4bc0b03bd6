package exchange

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// DefaultMaxRetries is how many dh_gen_retry answers a client accepts when
// ClientConfig.MaxRetries is zero.
const DefaultMaxRetries = 5

// ClientConfig configures the client side of a key exchange.
type ClientConfig struct {
	// Keys are the server RSA keys the client trusts (crypto.TelegramKeys(), or a test server's).
	Keys []crypto.PublicKey
	// DC is the value of p_q_inner_data_dc's dc field: the DC id, +10000 on test servers,
	// negative for media-only DCs. Zero sends the legacy constructors without a DC.
	DC int
	// Temp, when positive, asks for a temporary key (perfect forward secrecy) that expires after
	// Temp (sent as expires_in in whole seconds), to be bound to the permanent key with
	// auth.bindTempAuthKey (see BindMessage).
	Temp time.Duration
	// MaxRetries bounds dh_gen_retry answers; zero means DefaultMaxRetries.
	MaxRetries int
	// Rand is the source of nonces, DH exponents and padding; nil is not allowed (pass
	// crypto/rand.Reader).
	Rand io.Reader
	// Now is the local clock; nil means time.Now.
	Now func() time.Time
	// Logger receives RunClient's debug records (one per message); nil discards them.
	Logger *slog.Logger
}

func (c *ClientConfig) validate() error {
	if len(c.Keys) == 0 {
		return fmt.Errorf("%w: no server keys", ErrConfig)
	}
	if c.Rand == nil {
		return fmt.Errorf("%w: nil Rand", ErrConfig)
	}
	if c.Temp < 0 || c.Temp.Seconds() > float64(1<<31-1) {
		return fmt.Errorf("%w: temp key lifetime %v", ErrConfig, c.Temp)
	}
	if c.MaxRetries < 0 {
		return fmt.Errorf("%w: MaxRetries %d", ErrConfig, c.MaxRetries)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = discard
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	return nil
}

// Result is what a completed key exchange yields, on either side.
type Result struct {
	// AuthKey is the new auth key and its id.
	AuthKey crypto.AuthKey
	// ServerSalt is the first server salt: new_nonce[0:8] XOR server_nonce[0:8].
	ServerSalt int64
	// TimeOffset is the server's clock minus the local clock, measured from server_time
	// (client side only; whole seconds). A server_time mtp.ClockOffset refuses fails the
	// exchange with ErrServerTime.
	TimeOffset time.Duration
	// ExpiresAt is when a temporary key expires (local clock); zero for a permanent key.
	ExpiresAt time.Time
	// DC is the dc the client put in p_q_inner_data (zero for the legacy constructors).
	DC int
}

// Temp reports whether the key is a temporary one.
func (r Result) Temp() bool { return !r.ExpiresAt.IsZero() }

// The client's steps. Each returns the request to send and the value that alone can take the
// server's answer, so the steps cannot run out of order:
//
//	ClientStart.ReqPQ                  -> req_pq_multi,         ClientAwaitResPQ
//	ClientAwaitResPQ.OnResPQ           -> req_DH_params,        ClientAwaitDHParams
//	ClientAwaitDHParams.OnServerDHParams -> set_client_DH_params, ClientAwaitDHGen
//	ClientAwaitDHGen.OnDHGen           -> Result (dh_gen_ok) or another set_client_DH_params
//	                                      (dh_gen_retry)
//
// Requests and answers are TL bodies; AppendPlain and ParsePlain frame them. The exported steps
// draw randomness from ClientConfig.Rand and read ClientConfig.Now; each has an unexported twin
// that takes the random bytes and the time as arguments.

// ClientStart is a client key exchange that has not sent anything yet.
type ClientStart struct {
	cfg ClientConfig
}

// NewClient validates cfg and returns the first step of a client key exchange.
func NewClient(cfg ClientConfig) (*ClientStart, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &ClientStart{cfg: cfg}, nil
}

// ReqPQ returns req_pq_multi with a fresh random nonce.
func (s *ClientStart) ReqPQ() ([]byte, *ClientAwaitResPQ, error) {
	var nonce tl.Int128
	if err := readRandom(s.cfg.Rand, nonce[:]); err != nil {
		return nil, nil, err
	}
	return s.reqPQ(nonce)
}

func (s *ClientStart) reqPQ(nonce tl.Int128) ([]byte, *ClientAwaitResPQ, error) {
	req, err := encode(&mt.ReqPqMultiRequest{Nonce: nonce})
	if err != nil {
		return nil, nil, err
	}
	return req, &ClientAwaitResPQ{cfg: s.cfg, nonce: nonce}, nil
}

// ClientAwaitResPQ waits for resPQ.
type ClientAwaitResPQ struct {
	cfg   ClientConfig
	nonce tl.Int128
}

// OnResPQ checks resPQ (nonce echoed, a known key fingerprint, pq factorisable) and returns
// req_DH_params carrying p_q_inner_data encrypted with RSA_PAD under the chosen key.
func (s *ClientAwaitResPQ) OnResPQ(answer []byte) ([]byte, *ClientAwaitDHParams, error) {
	var newNonce tl.Int256
	if err := readRandom(s.cfg.Rand, newNonce[:]); err != nil {
		return nil, nil, err
	}
	return s.onResPQ(answer, newNonce, s.cfg.Rand)
}

func (s *ClientAwaitResPQ) onResPQ(answer []byte, newNonce tl.Int256, rsaRand io.Reader) ([]byte, *ClientAwaitDHParams, error) {
	var res mt.ResPQ
	if err := decodeExact(answer, &res); err != nil {
		return nil, nil, fmt.Errorf("resPQ: %w", err)
	}
	if !equal128(res.Nonce, s.nonce) {
		return nil, nil, fmt.Errorf("resPQ: %w", ErrNonce)
	}
	key, ok := crypto.FindKey(s.cfg.Keys, res.ServerPublicKeyFingerprints)
	if !ok {
		return nil, nil, fmt.Errorf("resPQ: %w: server offers %x", ErrNoKnownKey, res.ServerPublicKeyFingerprints)
	}
	p, q, err := splitPQ([]byte(res.Pq))
	if err != nil {
		return nil, nil, fmt.Errorf("resPQ: %w", err)
	}
	next := &ClientAwaitDHParams{cfg: s.cfg, nonces: nonces{s.nonce, res.ServerNonce}, newNonce: newNonce,
		checkGroup: crypto.CheckDHGroup}
	inner, err := encode(pqInnerData(res.Pq, p, q, s.nonce, res.ServerNonce, newNonce, s.cfg.DC, expiresIn(s.cfg.Temp)))
	if err != nil {
		return nil, nil, err
	}
	enc, err := crypto.RSAPad(rsaRand, key.PublicKey, inner)
	if err != nil {
		return nil, nil, fmt.Errorf("req_DH_params: %w", err)
	}
	req, err := encode(&mt.ReqDHParamsRequest{Nonce: s.nonce, ServerNonce: res.ServerNonce, P: p, Q: q,
		PublicKeyFingerprint: key.Fingerprint, EncryptedData: string(enc)})
	if err != nil {
		return nil, nil, err
	}
	return req, next, nil
}

// expiresIn converts a temporary key lifetime to expires_in seconds (0 for a permanent key).
func expiresIn(temp time.Duration) int32 { return int32(temp / time.Second) }

// pqInnerData picks the p_q_inner_data constructor for a permanent or temporary key, with or
// without a DC.
func pqInnerData(pq, p, q string, nonce, serverNonce tl.Int128, newNonce tl.Int256, dc int, expiresIn int32) tl.Encoder {
	switch {
	case expiresIn > 0 && dc != 0:
		return &mt.PQInnerDataTempDC{Pq: pq, P: p, Q: q, Nonce: nonce, ServerNonce: serverNonce, NewNonce: newNonce, DC: int32(dc), ExpiresIn: expiresIn}
	case expiresIn > 0:
		return &mt.PQInnerDataTemp{Pq: pq, P: p, Q: q, Nonce: nonce, ServerNonce: serverNonce, NewNonce: newNonce, ExpiresIn: expiresIn}
	case dc != 0:
		return &mt.PQInnerDataDC{Pq: pq, P: p, Q: q, Nonce: nonce, ServerNonce: serverNonce, NewNonce: newNonce, DC: int32(dc)}
	default:
		return &mt.PQInnerData{Pq: pq, P: p, Q: q, Nonce: nonce, ServerNonce: serverNonce, NewNonce: newNonce}
	}
}

// splitPQ factorises pq (a big-endian number of at most 8 bytes) into p < q, each returned as
// the minimal big-endian byte string the protocol sends.
func splitPQ(pq []byte) (p, q string, err error) {
	if len(pq) == 0 || len(pq) > 8 {
		return "", "", fmt.Errorf("%w: %d bytes", ErrPQ, len(pq))
	}
	var buf [8]byte
	copy(buf[8-len(pq):], pq)
	pp, qq, err := crypto.Factorize(binary.BigEndian.Uint64(buf[:]))
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", ErrPQ, err)
	}
	if pp == qq {
		return "", "", fmt.Errorf("%w: square of %d", ErrPQ, pp)
	}
	for _, f := range [2]uint64{pp, qq} {
		// ProbablyPrime is exact below 2^64.
		if !new(big.Int).SetUint64(f).ProbablyPrime(0) {
			return "", "", fmt.Errorf("%w: factor %d of %d is not prime", ErrPQ, f, pp*qq)
		}
	}
	return minimalBE(pp), minimalBE(qq), nil
}

// minimalBE returns v as a big-endian byte string without leading zeros.
func minimalBE(v uint64) string { return string(new(big.Int).SetUint64(v).Bytes()) }

// ClientAwaitDHParams waits for server_DH_params_ok.
type ClientAwaitDHParams struct {
	redacted
	cfg ClientConfig
	nonces
	newNonce tl.Int256
	// checkGroup is crypto.CheckDHGroup; only the replay of Telegram's worked example, whose
	// (g, dh_prime) pair breaks the rule, replaces it.
	checkGroup func(g int, p *big.Int) error
}

// OnServerDHParams checks server_DH_params_ok (nonces, SHA-1 of the decrypted answer,
// dh_prime, g, g_a), records the server time, and returns set_client_DH_params with a fresh
// DH exponent b.
func (s *ClientAwaitDHParams) OnServerDHParams(answer []byte) ([]byte, *ClientAwaitDHGen, error) {
	now := s.cfg.Now()
	dh, err := s.openDHParams(answer, now)
	if err != nil {
		return nil, nil, err
	}
	req, err := dh.sendGB(0)
	if err != nil {
		return nil, nil, err
	}
	return req, dh, nil
}

// onServerDHParams is OnServerDHParams with b, the padding and the time given.
func (s *ClientAwaitDHParams) onServerDHParams(answer []byte, b [dhSecretSize]byte, padding []byte, now time.Time) ([]byte, *ClientAwaitDHGen, error) {
	dh, err := s.openDHParams(answer, now)
	if err != nil {
		return nil, nil, err
	}
	req, err := dh.setClientDHParams(0, b, padding)
	if err != nil {
		return nil, nil, err
	}
	return req, dh, nil
}

// openDHParams runs every check on server_DH_params and returns the next state without a key.
func (s *ClientAwaitDHParams) openDHParams(answer []byte, now time.Time) (*ClientAwaitDHGen, error) {
	id, err := peekID(answer)
	if err != nil {
		return nil, fmt.Errorf("server_DH_params: %w", err)
	}
	switch id {
	case mt.ServerDHParamsFailTypeID:
		var fail mt.ServerDHParamsFail
		if err := decodeExact(answer, &fail); err != nil {
			return nil, fmt.Errorf("server_DH_params_fail: %w", err)
		}
		if err := s.check(fail.Nonce, fail.ServerNonce); err != nil {
			return nil, fmt.Errorf("server_DH_params_fail: %w", err)
		}
		if !equal128(fail.NewNonceHash, nonceHash(s.newNonce)) {
			return nil, fmt.Errorf("server_DH_params_fail: %w", ErrNewNonceHash)
		}
		return nil, ErrDHParamsFail
	case mt.ServerDHParamsOkTypeID:
	default:
		return nil, fmt.Errorf("server_DH_params: %w: constructor %#08x", ErrUnexpectedMessage, id)
	}
	var ok mt.ServerDHParamsOk
	if err := decodeExact(answer, &ok); err != nil {
		return nil, fmt.Errorf("server_DH_params_ok: %w", err)
	}
	if err := s.check(ok.Nonce, ok.ServerNonce); err != nil {
		return nil, fmt.Errorf("server_DH_params_ok: %w", err)
	}
	var inner mt.ServerDHInnerData
	if err := openInner([]byte(ok.EncryptedAnswer), s.newNonce, s.serverNonce, &inner); err != nil {
		return nil, fmt.Errorf("server_DH_inner_data: %w", err)
	}
	if err := s.check(inner.Nonce, inner.ServerNonce); err != nil {
		return nil, fmt.Errorf("server_DH_inner_data: %w", err)
	}
	p := new(big.Int).SetBytes([]byte(inner.DHPrime))
	if err := crypto.CheckDHPrime(p); err != nil {
		return nil, fmt.Errorf("server_DH_inner_data: %w: %w", ErrDHPrime, err)
	}
	if err := s.checkGroup(int(inner.G), p); err != nil {
		return nil, fmt.Errorf("server_DH_inner_data: %w: %w", ErrDHGroup, err)
	}
	gA := new(big.Int).SetBytes([]byte(inner.GA))
	if err := crypto.CheckDHPublic(gA, p); err != nil {
		return nil, fmt.Errorf("server_DH_inner_data: %w: %w", ErrGA, err)
	}
	offset, err := mtp.ClockOffset(now, time.Unix(int64(inner.ServerTime), 0))
	if err != nil {
		return nil, fmt.Errorf("server_DH_inner_data: %w: %w", ErrServerTime, err)
	}
	return &ClientAwaitDHGen{
		cfg: s.cfg, nonces: s.nonces, newNonce: s.newNonce,
		g: int(inner.G), p: p, gA: gA, offset: offset, start: now,
	}, nil
}

// ClientAwaitDHGen waits for dh_gen_ok, dh_gen_retry or dh_gen_fail.
type ClientAwaitDHGen struct {
	redacted
	cfg ClientConfig
	nonces
	newNonce tl.Int256
	g        int
	p, gA    *big.Int
	offset   time.Duration
	start    time.Time // local time of server_DH_params_ok
	retries  int
	key      crypto.AuthKey // the key of the last set_client_DH_params
}

// sendGB draws b and padding and builds set_client_DH_params; a b whose g_b falls outside the
// safe range (probability about 2^-64) is drawn again.
func (s *ClientAwaitDHGen) sendGB(retryID int64) ([]byte, error) {
	var b [dhSecretSize]byte
	var padding [16]byte
	for attempt := 0; ; attempt++ {
		if err := readRandom(s.cfg.Rand, b[:]); err != nil {
			return nil, err
		}
		if err := readRandom(s.cfg.Rand, padding[:]); err != nil {
			return nil, err
		}
		req, err := s.setClientDHParams(retryID, b, padding[:])
		if err == nil || attempt == 8 || !errors.Is(err, ErrGB) {
			return req, err
		}
	}
}

// setClientDHParams computes g_b and the auth key from b and returns set_client_DH_params.
func (s *ClientAwaitDHGen) setClientDHParams(retryID int64, b [dhSecretSize]byte, padding []byte) ([]byte, error) {
	gB, err := dhPublic(s.g, s.p, b[:], ErrGB)
	if err != nil {
		return nil, fmt.Errorf("client_DH_inner_data: %w", err)
	}
	key, err := dhShared(s.gA, b[:], s.p)
	if err != nil {
		return nil, err
	}
	inner, err := encode(&mt.ClientDHInnerData{Nonce: s.nonce, ServerNonce: s.serverNonce, RetryID: retryID, GB: string(gB.Bytes())})
	if err != nil {
		return nil, err
	}
	enc, err := sealInner(inner, s.newNonce, s.serverNonce, padding)
	if err != nil {
		return nil, err
	}
	req, err := encode(&mt.SetClientDHParamsRequest{Nonce: s.nonce, ServerNonce: s.serverNonce, EncryptedData: string(enc)})
	if err != nil {
		return nil, err
	}
	s.key = key
	return req, nil
}

// Outcome is the result of the last step of either side. Send, when not nil, goes to the peer.
// Next is nil when the exchange is done and Result holds the key; otherwise (dh_gen_retry) the
// peer's next message goes to Next.
type Outcome[S any] struct {
	Send   []byte
	Next   *S
	Result Result
}

// Done reports whether the exchange finished.
func (o Outcome[S]) Done() bool { return o.Next == nil }

// OnDHGen checks the server's answer to set_client_DH_params (nonces, new_nonce_hash1/2/3). On
// dh_gen_ok the exchange is done; on dh_gen_retry it returns a new set_client_DH_params with a
// fresh b and retry_id set; dh_gen_fail is ErrDHGenFail.
func (s *ClientAwaitDHGen) OnDHGen(answer []byte) (Outcome[ClientAwaitDHGen], error) {
	next, err := s.openDHGen(answer)
	if err != nil || next == nil {
		return s.outcome(err)
	}
	req, err := next.sendGB(auxHashID(&s.key))
	if err != nil {
		return Outcome[ClientAwaitDHGen]{}, err
	}
	return Outcome[ClientAwaitDHGen]{Send: req, Next: next}, nil
}

// outcome returns the final Result (or err).
func (s *ClientAwaitDHGen) outcome(err error) (Outcome[ClientAwaitDHGen], error) {
	if err != nil {
		return Outcome[ClientAwaitDHGen]{}, err
	}
	r := Result{
		AuthKey:    s.key,
		ServerSalt: crypto.InitialSalt(s.newNonce, s.serverNonce),
		TimeOffset: s.offset,
		DC:         s.cfg.DC,
	}
	if s.cfg.Temp > 0 {
		r.ExpiresAt = s.start.Add(time.Duration(expiresIn(s.cfg.Temp)) * time.Second)
	}
	return Outcome[ClientAwaitDHGen]{Result: r}, nil
}

// openDHGen checks a Set_client_DH_params_answer. It returns nil for dh_gen_ok and, for
// dh_gen_retry, the state that will carry the retry (within ClientConfig.MaxRetries).
func (s *ClientAwaitDHGen) openDHGen(answer []byte) (*ClientAwaitDHGen, error) {
	id, err := peekID(answer)
	if err != nil {
		return nil, fmt.Errorf("set_client_DH_params answer: %w", err)
	}
	var (
		nonce, serverNonce, hash tl.Int128
		n                        byte
		name                     string
	)
	switch id {
	case mt.DHGenOkTypeID:
		var v mt.DHGenOk
		err = decodeExact(answer, &v)
		nonce, serverNonce, hash, n, name = v.Nonce, v.ServerNonce, v.NewNonceHash1, 1, "dh_gen_ok"
	case mt.DHGenRetryTypeID:
		var v mt.DHGenRetry
		err = decodeExact(answer, &v)
		nonce, serverNonce, hash, n, name = v.Nonce, v.ServerNonce, v.NewNonceHash2, 2, "dh_gen_retry"
	case mt.DHGenFailTypeID:
		var v mt.DHGenFail
		err = decodeExact(answer, &v)
		nonce, serverNonce, hash, n, name = v.Nonce, v.ServerNonce, v.NewNonceHash3, 3, "dh_gen_fail"
	default:
		return nil, fmt.Errorf("set_client_DH_params answer: %w: constructor %#08x", ErrUnexpectedMessage, id)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := s.check(nonce, serverNonce); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if want := crypto.NewNonceHash(s.newNonce, n, &s.key); !equal128(hash, want) {
		return nil, fmt.Errorf("%s: %w (new_nonce_hash%d)", name, ErrNewNonceHash, n)
	}
	switch n {
	case 1:
		return nil, nil
	case 3:
		return nil, ErrDHGenFail
	}
	if s.retries >= s.cfg.MaxRetries {
		return nil, fmt.Errorf("dh_gen_retry: %w (%d)", ErrRetryLimit, s.cfg.MaxRetries)
	}
	next := *s
	next.retries++
	return &next, nil
}

// auxHashID is retry_id for a retry after key k: auth_key_aux_hash read as a little-endian long.
func auxHashID(k *crypto.AuthKey) int64 {
	h := crypto.AuxHash(k)
	return int64(binary.LittleEndian.Uint64(h[:]))
}
