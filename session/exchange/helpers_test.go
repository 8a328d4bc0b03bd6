package exchange

import (
	"bufio"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl"
)

// testNow is the fixed clock of every deterministic test.
var testNow = time.Date(2025, 11, 25, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

var serverKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	data, err := os.ReadFile("testdata/server_key.pem")
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	return x509.ParsePKCS1PrivateKey(block.Bytes)
})

// testKeys returns the test server's private key and the client's list of trusted keys: two
// unrelated Telegram keys and the test server's.
func testKeys(tb testing.TB) (*rsa.PrivateKey, []crypto.PublicKey) {
	tb.Helper()
	key, err := serverKey()
	if err != nil {
		tb.Fatal(err)
	}
	pub, err := crypto.NewPublicKey(&key.PublicKey)
	if err != nil {
		tb.Fatal(err)
	}
	return key, append(crypto.TelegramKeys(), pub)
}

func testConfigs(tb testing.TB, seed uint64) (ClientConfig, ServerConfig) {
	key, keys := testKeys(tb)
	return ClientConfig{Keys: keys, DC: 2, Rand: crypto.NewDeterministicReader(seed), Now: fixedNow},
		ServerConfig{Key: key, Rand: crypto.NewDeterministicReader(seed + 1000), Now: fixedNow}
}

// sample holds Telegram's worked example (/work/shared/vectors).
type sample struct {
	Step2 struct {
		Nonce, ServerNonce, PQ string
	}
	Step3 struct{ P, Q string }
	Step4 struct {
		NewNonce string `json:"new_nonce"`
		SHA1     string `json:"sha1_data"`
	}
	Step5 struct {
		Answer string `json:"answer"`
	}
	Step5Inner struct {
		G          int    `json:"g"`
		DHPrime    string `json:"dh_prime"`
		GA         string `json:"g_a"`
		ServerTime int64  `json:"server_time"`
	}
	Step6 struct {
		B  string `json:"b"`
		GB string `json:"g_b"`
	}
	AuthKey string
	Derived struct {
		IGE []struct {
			Name      string `json:"name"`
			Answer    string `json:"plaintext_answer_with_hash"`
			Data      string `json:"plaintext_data_with_hash"`
			Encrypted string `json:"ciphertext"`
		} `json:"ige_vectors"`
		AuthKeyID string `json:"auth_key_id_bytes_wire"`
		Salt      string `json:"initial_server_salt_bytes_wire"`
	}
	// Dumps maps the step number of each wire dump to its bytes (framing included).
	Dumps map[string][]byte
}

// vectors holds copies of /work/shared/vectors (Telegram's published example; see its README).
const vectors = "testdata/"

func loadSample(tb testing.TB) *sample {
	tb.Helper()
	var raw struct {
		Step2      json.RawMessage `json:"step2_resPQ"`
		Step3      json.RawMessage `json:"step3_factorization"`
		Step4      json.RawMessage `json:"step4_p_q_inner_data"`
		Step5      json.RawMessage `json:"step5_server_DH_params_ok"`
		Step5Inner json.RawMessage `json:"step5_server_DH_inner_data"`
		Step6      json.RawMessage `json:"step6_client"`
		AuthKey    string          `json:"step7_auth_key"`
	}
	readJSON(tb, vectors+"samples_auth_key.json", &raw)
	s := &sample{AuthKey: raw.AuthKey}
	var step2 struct {
		Nonce       string `json:"nonce"`
		ServerNonce string `json:"server_nonce"`
		PQ          string `json:"pq"`
	}
	unmarshal(tb, raw.Step2, &step2)
	s.Step2.Nonce, s.Step2.ServerNonce, s.Step2.PQ = step2.Nonce, step2.ServerNonce, step2.PQ
	var step3 struct{ P, Q string }
	unmarshal(tb, raw.Step3, &step3)
	s.Step3.P, s.Step3.Q = step3.P, step3.Q
	unmarshal(tb, raw.Step4, &s.Step4)
	unmarshal(tb, raw.Step5, &s.Step5)
	unmarshal(tb, raw.Step5Inner, &s.Step5Inner)
	unmarshal(tb, raw.Step6, &s.Step6)
	readJSON(tb, vectors+"samples_auth_key_derived.json", &s.Derived)
	s.Dumps = loadDumps(tb, vectors+"samples_auth_key_hexdumps.txt")
	return s
}

func readJSON(tb testing.TB, name string, v any) {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	unmarshal(tb, data, v)
}

func unmarshal(tb testing.TB, data []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatal(err)
	}
}

// loadDumps parses "## <step> ..." sections of "OFFSET | HEX BYTES" lines.
func loadDumps(tb testing.TB, name string) map[string][]byte {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	var step string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "## "); ok {
			step = strings.Fields(rest)[0]
			continue
		}
		if _, hexPart, ok := strings.Cut(line, "|"); ok && step != "" {
			out[step] = append(out[step], unhex(tb, strings.ReplaceAll(hexPart, " ", ""))...)
		}
	}
	return out
}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("hex %q: %v", s, err)
	}
	return b
}

func int128(tb testing.TB, s string) (v tl.Int128) {
	tb.Helper()
	if n := copy(v[:], unhex(tb, s)); n != 16 {
		tb.Fatalf("int128 %q has %d bytes", s, n)
	}
	return v
}

func int256(tb testing.TB, s string) (v tl.Int256) {
	tb.Helper()
	if n := copy(v[:], unhex(tb, s)); n != 32 {
		tb.Fatalf("int256 %q has %d bytes", s, n)
	}
	return v
}
