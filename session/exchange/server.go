package exchange

import (
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// ServerConfig configures the server side of a key exchange.
type ServerConfig struct {
	// Key is the server's 2048-bit RSA private key; clients must know its public half.
	Key *rsa.PrivateKey
	// DHPrime is the DH group prime; nil means crypto.KnownDHPrime. It must be a 2048-bit safe
	// prime.
	DHPrime *big.Int
	// G is the DH generator; zero picks the smallest of 2..7 valid for DHPrime.
	G int
	// KeyTaken, when set, reports whether an auth key id is already in use; the server then
	// answers dh_gen_retry and waits for a new g_b.
	KeyTaken func(id [8]byte) bool
	// Rand is the source of server_nonce, pq, the exponent a and padding; nil is not allowed.
	Rand io.Reader
	// Now is the server clock; nil means time.Now.
	Now func() time.Time
	// Logger receives RunServer's debug records (one per message); nil discards them.
	Logger *slog.Logger
}

func (c *ServerConfig) validate() error {
	if c.Key == nil {
		return fmt.Errorf("%w: nil Key", ErrConfig)
	}
	if c.Rand == nil {
		return fmt.Errorf("%w: nil Rand", ErrConfig)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = discard
	}
	if c.DHPrime == nil {
		c.DHPrime = crypto.KnownDHPrime
	}
	if err := crypto.CheckDHPrime(c.DHPrime); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if c.G == 0 {
		for g := 2; g <= 7 && c.G == 0; g++ {
			if crypto.CheckDHGroup(g, c.DHPrime) == nil {
				c.G = g
			}
		}
	}
	if err := crypto.CheckDHGroup(c.G, c.DHPrime); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return nil
}

// The server's steps mirror the client's:
//
//	ServerStart.OnReqPQ                   -> resPQ,                 ServerAwaitDHParams
//	ServerAwaitDHParams.OnReqDHParams     -> server_DH_params_ok,   ServerAwaitClientDH
//	ServerAwaitClientDH.OnSetClientDHParams -> dh_gen_ok and the Result, or dh_gen_retry
//
// As on the client, each exported step draws from ServerConfig.Rand and reads ServerConfig.Now,
// and an unexported twin takes those as arguments.

// ServerStart is a server key exchange waiting for req_pq_multi.
type ServerStart struct {
	cfg ServerConfig
	fp  int64
}

// NewServer validates cfg and returns the first step of a server key exchange.
func NewServer(cfg ServerConfig) (*ServerStart, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	pub, err := crypto.NewPublicKey(&cfg.Key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return &ServerStart{cfg: cfg, fp: pub.Fingerprint}, nil
}

// OnReqPQ answers req_pq_multi (or the legacy req_pq) with resPQ: a random server_nonce, a pq made
// of two random 31-bit primes, and the server key's fingerprint.
func (s *ServerStart) OnReqPQ(req []byte) ([]byte, *ServerAwaitDHParams, error) {
	var serverNonce tl.Int128
	if err := readRandom(s.cfg.Rand, serverNonce[:]); err != nil {
		return nil, nil, err
	}
	p, err := randomPrime(s.cfg.Rand)
	if err != nil {
		return nil, nil, err
	}
	q, err := randomPrime(s.cfg.Rand)
	if err != nil {
		return nil, nil, err
	}
	for q == p {
		if q, err = randomPrime(s.cfg.Rand); err != nil {
			return nil, nil, err
		}
	}
	return s.onReqPQ(req, serverNonce, min(p, q), max(p, q))
}

func (s *ServerStart) onReqPQ(req []byte, serverNonce tl.Int128, p, q uint64) ([]byte, *ServerAwaitDHParams, error) {
	id, err := peekID(req)
	if err != nil {
		return nil, nil, fmt.Errorf("req_pq_multi: %w", err)
	}
	var nonce tl.Int128
	switch id {
	case mt.ReqPqMultiRequestTypeID:
		var r mt.ReqPqMultiRequest
		err = decodeExact(req, &r)
		nonce = r.Nonce
	case mt.ReqPqRequestTypeID:
		var r mt.ReqPqRequest
		err = decodeExact(req, &r)
		nonce = r.Nonce
	default:
		err = fmt.Errorf("%w: constructor %#08x", ErrUnexpectedMessage, id)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("req_pq_multi: %w", err)
	}
	pq := minimalBE(p * q)
	resp, err := encode(&mt.ResPQ{Nonce: nonce, ServerNonce: serverNonce, Pq: pq, ServerPublicKeyFingerprints: []int64{s.fp}})
	if err != nil {
		return nil, nil, err
	}
	return resp, &ServerAwaitDHParams{cfg: s.cfg, fp: s.fp, nonces: nonces{nonce, serverNonce},
		pq: pq, p: minimalBE(p), q: minimalBE(q)}, nil
}

// randomPrime draws a prime in [2^30, 2^31).
func randomPrime(r io.Reader) (uint64, error) {
	var b [4]byte
	if err := readRandom(r, b[:]); err != nil {
		return 0, err
	}
	v := uint64(binary.BigEndian.Uint32(b[:]))&(1<<30-1) | 1<<30 | 1
	for !new(big.Int).SetUint64(v).ProbablyPrime(20) {
		v += 2
		if v >= 1<<31 {
			v = 1<<30 | 1
		}
	}
	return v, nil
}

// ServerAwaitDHParams waits for req_DH_params.
type ServerAwaitDHParams struct {
	cfg ServerConfig
	fp  int64
	nonces
	pq, p, q string
}

// OnReqDHParams checks req_DH_params (nonces, p and q, the key fingerprint), decrypts and checks
// p_q_inner_data, and answers server_DH_params_ok with g, dh_prime, g_a and the server time.
func (s *ServerAwaitDHParams) OnReqDHParams(req []byte) ([]byte, *ServerAwaitClientDH, error) {
	var a [dhSecretSize]byte
	var padding [16]byte
	for attempt := 0; ; attempt++ {
		if err := readRandom(s.cfg.Rand, a[:]); err != nil {
			return nil, nil, err
		}
		if err := readRandom(s.cfg.Rand, padding[:]); err != nil {
			return nil, nil, err
		}
		resp, next, err := s.onReqDHParams(req, a, padding[:], s.cfg.Now())
		if err == nil || attempt == 8 || !errors.Is(err, ErrGA) {
			return resp, next, err
		}
	}
}

func (s *ServerAwaitDHParams) onReqDHParams(req []byte, a [dhSecretSize]byte, padding []byte, now time.Time) ([]byte, *ServerAwaitClientDH, error) {
	var r mt.ReqDHParamsRequest
	if err := decodeExact(req, &r); err != nil {
		return nil, nil, fmt.Errorf("req_DH_params: %w", err)
	}
	if err := s.check(r.Nonce, r.ServerNonce); err != nil {
		return nil, nil, fmt.Errorf("req_DH_params: %w", err)
	}
	if r.P != s.p || r.Q != s.q {
		return nil, nil, fmt.Errorf("req_DH_params: %w: p and q are not the factors of pq", ErrPQ)
	}
	if r.PublicKeyFingerprint != s.fp {
		return nil, nil, fmt.Errorf("req_DH_params: %w: %#016x", ErrKeyFingerprint, uint64(r.PublicKeyFingerprint))
	}
	data, err := crypto.RSAPadDecrypt(s.cfg.Key, []byte(r.EncryptedData))
	if err != nil {
		return nil, nil, fmt.Errorf("req_DH_params: %w: %w", ErrInnerData, err)
	}
	inner, err := s.readInner(data)
	if err != nil {
		return nil, nil, fmt.Errorf("p_q_inner_data: %w", err)
	}
	next := &ServerAwaitClientDH{cfg: s.cfg, nonces: s.nonces, newNonce: inner.newNonce,
		dc: inner.dc, expiresIn: inner.expiresIn, a: a}
	gA, err := dhPublic(s.cfg.G, s.cfg.DHPrime, a[:], ErrGA)
	if err != nil {
		return nil, nil, fmt.Errorf("server_DH_inner_data: %w", err)
	}
	answer, err := encode(&mt.ServerDHInnerData{
		Nonce:       s.nonce,
		ServerNonce: s.serverNonce,
		G:           int32(s.cfg.G),
		DHPrime:     string(s.cfg.DHPrime.Bytes()),
		GA:          string(gA.Bytes()),
		ServerTime:  int32(now.Unix()),
	})
	if err != nil {
		return nil, nil, err
	}
	enc, err := sealInner(answer, inner.newNonce, s.serverNonce, padding)
	if err != nil {
		return nil, nil, err
	}
	resp, err := encode(&mt.ServerDHParamsOk{Nonce: s.nonce, ServerNonce: s.serverNonce, EncryptedAnswer: string(enc)})
	if err != nil {
		return nil, nil, err
	}
	return resp, next, nil
}

// innerData is what the server keeps of p_q_inner_data.
type innerData struct {
	newNonce  tl.Int256
	dc        int
	expiresIn int32
}

// readInner decodes any of the four p_q_inner_data constructors (followed by RSA_PAD's random
// padding) and checks it against resPQ.
func (s *ServerAwaitDHParams) readInner(data []byte) (innerData, error) {
	var b tl.Buffer
	b.ResetTo(data)
	v, err := mt.DecodePQInnerDataClass(&b)
	if err != nil {
		return innerData{}, fmt.Errorf("%w: %w", ErrInnerData, err)
	}
	var (
		pq, p, q           string
		nonce, serverNonce tl.Int128
		in                 innerData
	)
	switch v := v.(type) {
	case *mt.PQInnerData:
		pq, p, q, nonce, serverNonce, in.newNonce = v.Pq, v.P, v.Q, v.Nonce, v.ServerNonce, v.NewNonce
	case *mt.PQInnerDataDC:
		pq, p, q, nonce, serverNonce, in.newNonce, in.dc = v.Pq, v.P, v.Q, v.Nonce, v.ServerNonce, v.NewNonce, int(v.DC)
	case *mt.PQInnerDataTemp:
		pq, p, q, nonce, serverNonce, in.newNonce, in.expiresIn = v.Pq, v.P, v.Q, v.Nonce, v.ServerNonce, v.NewNonce, v.ExpiresIn
	case *mt.PQInnerDataTempDC:
		pq, p, q, nonce, serverNonce, in.newNonce, in.dc, in.expiresIn = v.Pq, v.P, v.Q, v.Nonce, v.ServerNonce, v.NewNonce, int(v.DC), v.ExpiresIn
	}
	if err := s.check(nonce, serverNonce); err != nil {
		return innerData{}, err
	}
	if pq != s.pq || p != s.p || q != s.q {
		return innerData{}, fmt.Errorf("%w: pq, p or q differ from resPQ", ErrInnerData)
	}
	if in.expiresIn < 0 {
		return innerData{}, fmt.Errorf("%w: expires_in %d", ErrInnerData, in.expiresIn)
	}
	return in, nil
}

// ServerAwaitClientDH waits for set_client_DH_params.
type ServerAwaitClientDH struct {
	redacted
	cfg ServerConfig
	nonces
	newNonce  tl.Int256
	dc        int
	expiresIn int32
	a         [dhSecretSize]byte
	retryID   int64 // expected retry_id: 0, then the aux hash of the key refused last
}

// OnSetClientDHParams checks set_client_DH_params (nonces, SHA-1, retry_id, g_b range), computes
// the auth key and answers dh_gen_ok, or dh_gen_retry when ServerConfig.KeyTaken refuses the key.
func (s *ServerAwaitClientDH) OnSetClientDHParams(req []byte) (Outcome[ServerAwaitClientDH], error) {
	return s.onSetClientDHParams(req, s.cfg.Now())
}

func (s *ServerAwaitClientDH) onSetClientDHParams(req []byte, now time.Time) (Outcome[ServerAwaitClientDH], error) {
	var r mt.SetClientDHParamsRequest
	if err := decodeExact(req, &r); err != nil {
		return Outcome[ServerAwaitClientDH]{}, fmt.Errorf("set_client_DH_params: %w", err)
	}
	if err := s.check(r.Nonce, r.ServerNonce); err != nil {
		return Outcome[ServerAwaitClientDH]{}, fmt.Errorf("set_client_DH_params: %w", err)
	}
	var inner mt.ClientDHInnerData
	if err := openInner([]byte(r.EncryptedData), s.newNonce, s.serverNonce, &inner); err != nil {
		return Outcome[ServerAwaitClientDH]{}, fmt.Errorf("client_DH_inner_data: %w", err)
	}
	if err := s.check(inner.Nonce, inner.ServerNonce); err != nil {
		return Outcome[ServerAwaitClientDH]{}, fmt.Errorf("client_DH_inner_data: %w", err)
	}
	if inner.RetryID != s.retryID {
		return Outcome[ServerAwaitClientDH]{}, fmt.Errorf("client_DH_inner_data: %w: %#x, want %#x", ErrRetryID, inner.RetryID, s.retryID)
	}
	gB := new(big.Int).SetBytes([]byte(inner.GB))
	if err := crypto.CheckDHPublic(gB, s.cfg.DHPrime); err != nil {
		return Outcome[ServerAwaitClientDH]{}, fmt.Errorf("client_DH_inner_data: %w: %w", ErrGB, err)
	}
	key, err := dhShared(gB, s.a[:], s.cfg.DHPrime)
	if err != nil {
		return Outcome[ServerAwaitClientDH]{}, err
	}
	if s.cfg.KeyTaken != nil && s.cfg.KeyTaken(key.ID) {
		resp, err := encode(&mt.DHGenRetry{Nonce: s.nonce, ServerNonce: s.serverNonce, NewNonceHash2: crypto.NewNonceHash(s.newNonce, 2, &key)})
		if err != nil {
			return Outcome[ServerAwaitClientDH]{}, err
		}
		next := *s
		next.retryID = auxHashID(&key)
		return Outcome[ServerAwaitClientDH]{Send: resp, Next: &next}, nil
	}
	resp, err := encode(&mt.DHGenOk{Nonce: s.nonce, ServerNonce: s.serverNonce, NewNonceHash1: crypto.NewNonceHash(s.newNonce, 1, &key)})
	if err != nil {
		return Outcome[ServerAwaitClientDH]{}, err
	}
	res := Result{AuthKey: key, ServerSalt: crypto.InitialSalt(s.newNonce, s.serverNonce), DC: s.dc}
	if s.expiresIn > 0 {
		res.ExpiresAt = now.Add(time.Duration(s.expiresIn) * time.Second)
	}
	return Outcome[ServerAwaitClientDH]{Send: resp, Result: res}, nil
}
