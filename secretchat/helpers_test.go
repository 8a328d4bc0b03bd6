package secretchat

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto"
)

// vectors is testdata/vectors.json, written by testdata/vectors.py (hashlib, pow and the
// cryptography package's AES; nothing from this repository).
type vectors struct {
	G           int32  `json:"g"`
	A           string `json:"a"`
	B           string `json:"b"`
	GA          string `json:"g_a"`
	GB          string `json:"g_b"`
	Key         string `json:"key"`
	Fingerprint int64  `json:"fingerprint"`
	Visual128   string `json:"visual128"`
	Key46       string `json:"key46"`
	Visual288   string `json:"visual288"`
	Messages    []struct {
		From    string `json:"from"`
		Layer   string `json:"layer"`
		Padding string `json:"padding"`
		MsgKey  string `json:"msg_key"`
		Payload string `json:"payload"`
	} `json:"messages"`
}

func loadVectors(t testing.TB) vectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	p, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// testKey is the shared key of the vectors.
func testKey(t testing.TB) crypto.AuthKey {
	t.Helper()
	return testKeyFrom(t, loadVectors(t).Key)
}

// testKeyFrom returns the key with the 256 bytes of hex s.
func testKeyFrom(t testing.TB, s string) crypto.AuthKey {
	t.Helper()
	return crypto.NewAuthKey([256]byte(unhex(t, s)))
}

// knownParams are the published prime with g = 3, the parameters of the vectors.
func knownParams() DHParams {
	return DHParams{G: 3, P: crypto.KnownDHPrime.Bytes()}
}
